package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A check run in a JVM of its own: what depends on how a JVM starts (its GEMM threads, its system properties, its
 * heap, the first call that starts the workers) cannot be tried twice in the test JVM. The child is the JDK running
 * the tests, with the kernels jar and the check's own class folder on its class path; its output (stdout and stderr
 * together) is what the test reads.
 */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main} with the JVM options and arguments given and returns its output, asserting that it ended
     * within {@code timeoutSeconds} with exit code 0 (the output is in the failure's description).
     */
    static String run(Class<?> main, int timeoutSeconds, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.addAll(List.of("--add-modules", "jdk.incubator.vector",
                "-cp", PlatformPathsTest.kernels() + File.pathSeparator + location(main), main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("jvk-child", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String output = Files.readString(out);
            assertThat(exited).as("child finished: %s", output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The class folder or jar {@code c} was loaded from. */
    static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
