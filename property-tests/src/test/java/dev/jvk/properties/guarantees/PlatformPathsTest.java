package dev.jvk.properties.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Kernels;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * jvk on every platform path a user can take, each in a child JVM of the JDK running this test,
 * running {@link KernelsConsumer} (every public kernel against its reference, then a GEMM split
 * between the pool's threads, then main returns):
 * <ul>
 *   <li>on the class path without {@code --add-modules jdk.incubator.vector}: the scalar reference,
 *       correct, and exactly one log record saying how to enable the fast path;</li>
 *   <li>as the named module {@code dev.jvk.kernels} on the module path, and as a plain jar on the
 *       class path, both with the Vector API: the vector kernels, no log record;</li>
 *   <li>with C2 off ({@code -XX:TieredStopAtLevel=1}): the reference, and {@code Kernels.info()}
 *       says why, in one log record.</li>
 * </ul>
 * In every case the process exits by itself once main returns: the GEMM pool's threads are daemons.
 * The kernels come from where this JVM loaded them: the jar next to the classes when the build
 * packaged one, else the classes directory (an exploded module, with its module-info.class).
 */
@Tag("child-jvm")
class PlatformPathsTest {
    private static final int KERNELS_WITH_ARRAYS = HostileInputTest.PUBLIC_METHODS - HostileInputTest.WITHOUT_ARRAYS.size();

    @Test
    void withoutTheIncubatorModuleTheReferenceRunsAndOneLineSaysHowToEnableTheFastPath() throws Exception {
        Result r = run(List.of("-cp", kernels() + File.pathSeparator + consumer()));
        r.assertRanEveryKernel();
        assertThat(r.line("INFO")).startsWith("scalar 0 | module jdk.incubator.vector is not resolved")
                .contains("--add-modules jdk.incubator.vector");
        assertThat(r.line("NAMED")).isEqualTo("false");
        assertThat(r.all("LOG")).singleElement().asString().startsWith("INFO ").contains("add --add-modules jdk.incubator.vector");
    }

    @Test
    void asANamedModuleOnTheModulePath() throws Exception {
        Result r = run(List.of("--add-modules", "jdk.incubator.vector,dev.jvk.kernels", "-p", kernels(), "-cp", consumer()));
        r.assertRanEveryKernel();
        assertThat(r.line("NAMED")).isEqualTo("true");
        assertThat(r.line("INFO")).startsWith("vector ");
        assertThat(r.all("LOG")).isEmpty();
    }

    @Test
    void asAPlainJarOnTheClassPath() throws Exception {
        Result r = run(List.of("--add-modules", "jdk.incubator.vector", "-cp", kernels() + File.pathSeparator + consumer()));
        r.assertRanEveryKernel();
        assertThat(r.line("NAMED")).isEqualTo("false");
        assertThat(r.line("INFO")).startsWith("vector ");
        assertThat(r.all("LOG")).isEmpty();
    }

    @Test
    void withC2OffTheReferenceRunsAndInfoSaysWhy() throws Exception {
        Result r = run(List.of("-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector",
                "-cp", kernels() + File.pathSeparator + consumer()));
        r.assertRanEveryKernel();
        assertThat(r.line("INFO")).startsWith("scalar 0 | C2 is off");
        assertThat(r.all("LOG")).singleElement().asString().contains("C2 is off");
    }

    // ================================================================ the child JVM

    record Result(int exit, List<String> out, String err) {
        String line(String key) {
            return all(key).stream().findFirst().orElseThrow(() -> new AssertionError("no " + key + " line in " + out + "\n" + err));
        }

        List<String> all(String key) {
            return out.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1)).toList();
        }

        void assertRanEveryKernel() {
            assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
            assertThat(all("MISMATCH")).as("kernels that differ from their reference").isEmpty();
            assertThat(line("CHECKED")).isEqualTo(String.valueOf(KERNELS_WITH_ARRAYS));
            assertThat(all("NON_DAEMON")).as("threads that would keep the application alive").isEmpty();
            assertThat(err).doesNotContain("Exception");
        }
    }

    /** Runs the consumer in a child JVM; main returning must end the process (within a minute here). */
    private static Result run(List<String> options) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:+UseSerialGC"));
        command.addAll(options);
        command.add(KernelsConsumer.class.getName());
        Path out = Files.createTempFile("jvk-consumer", ".out");
        Path err = Files.createTempFile("jvk-consumer", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertThat(exited).as("the child JVM exited after main returned: %s", command).isTrue();
            return new Result(p.exitValue(), Files.readAllLines(out), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The kernels as this JVM loaded them: the packaged jar beside target/classes if there is one, else that directory or jar. */
    static String kernels() {
        Path location = location(Kernels.class);
        if (Files.isDirectory(location) && location.getFileName().toString().equals("classes")) {
            try (Stream<Path> files = Files.list(location.getParent())) {
                return files.filter(f -> f.getFileName().toString().matches("jvk-kernels-[^-]+(-SNAPSHOT)?\\.jar"))
                        .findFirst().orElse(location).toString();
            } catch (IOException e) {
                return location.toString();
            }
        }
        return location.toString();
    }

    private static String consumer() {
        return location(KernelsConsumer.class).toString();
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
