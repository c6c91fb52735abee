package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * C1 must be able to compile every jvk method the vector path runs. A Vector API method too large
 * for C1 ({@code COMPILE SKIPPED: out of virtual registers in LIR generator}) can stay at tier 2 in
 * some JVMs (JMH forks among them), never reach C2, and run on boxed vectors at about a GFLOP/s,
 * allocating hundreds of MB per call; this hit jvk twice. With {@code -Xcomp} in tiered mode every
 * method is compiled at tier 3 (C1) first, so a bailout shows as a {@code COMPILE SKIPPED} line of
 * {@code -XX:+PrintCompilation}. The child runs {@link EveryKernelOnce}: every public kernel, and
 * GEMM/GEMV on each of their paths.
 */
@Tag("child-jvm")
class C1CompilesEveryKernelTest {

    @Test
    void c1CompilesEveryVectorKernelJvkRuns() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = List.of(java, "-Xcomp", "-XX:+PrintCompilation", "-XX:+UseSerialGC",
                "--add-modules", "jdk.incubator.vector",
                "-cp", PlatformPathsTest.kernels() + File.pathSeparator + location(),
                EveryKernelOnce.class.getName());
        Path out = Files.createTempFile("jvk-c1", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = p.waitFor(300, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(out);
            assertThat(exited).as("child finished: %s", command).isTrue();
            assertThat(p.exitValue()).as("exit code; last lines:%n%s", String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())))
                    .isZero();
            assertThat(lines).as("Kernels.info() in the child: the vector path must be the one compiled")
                    .anyMatch(l -> l.startsWith("INFO vector "));
            assertThat(lines).contains("DONE");
            assertThat(lines.stream().filter(l -> l.contains("COMPILE SKIPPED") && l.contains("dev.jvk")).toList())
                    .as("jvk methods C1 gave up on: split each into methods C1 can compile").isEmpty();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path location() {
        try {
            return Path.of(EveryKernelOnce.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
