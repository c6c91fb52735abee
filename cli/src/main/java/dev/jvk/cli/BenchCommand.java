package dev.jvk.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jvk bench} as {@code ./jvk --help} lists it. The benchmarks live in the bench module (JMH and the peers
 * it compares with), which the library's command line does not carry: {@code ./jvk bench} builds and runs that
 * module itself. Reached here, the command says how to run it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark jvk against its peers with JMH and write report.md and plots (default --quick, about 5 minutes).",
                "Run through the launcher, which builds the bench module: ./jvk bench [--quick|--full] [--out DIR]; ./jvk bench --help for its options."})
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Unmatched
    String[] ignored;

    @Override
    public Integer call() {
        throw new UsageException("the benchmarks run through the launcher, which builds the bench module: ./jvk bench");
    }
}
