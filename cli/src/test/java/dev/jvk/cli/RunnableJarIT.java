package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line without the source tree: the packaged {@code jvk-cli} jar and the {@code lib/} folder beside it,
 * copied elsewhere, run with {@code java -jar} (the README's promise). It needs the jar, so Maven runs it after
 * {@code package} (the cli module's {@code runnable-jar} surefire execution, in the {@code integration-test} phase);
 * the jar's path comes in the system property {@code jvk.cliJar}.
 */
class RunnableJarIT {
    @TempDir
    Path elsewhere;

    @Test
    void the_jar_and_its_lib_folder_copied_elsewhere_train_and_predict_with_java_jar() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("jvk.cliJar", ""));
        assertThat(jar).as("the packaged jar named by -Djvk.cliJar").isRegularFile();
        Path copy = elsewhere.resolve("jvk").resolve(jar.getFileName());
        Files.createDirectories(copy.resolveSibling("lib"));
        Files.copy(jar, copy);
        try (Stream<Path> libs = Files.list(jar.resolveSibling("lib"))) {
            for (Path lib : libs.toList()) {
                Files.copy(lib, copy.resolveSibling("lib").resolve(lib.getFileName()));
            }
        }
        Path csv = elsewhere.resolve("points.csv");
        StringBuilder s = new StringBuilder("x,y,side\n");
        for (int i = 0; i < 60; i++) {
            double x = (i % 10) / 10.0;
            double y = (i / 10) / 6.0;
            s.append(x).append(',').append(y).append(',').append(x > 0.45 ? "right" : "left").append('\n');
        }
        Files.writeString(csv, s);
        Path model = elsewhere.resolve("m.jvk");

        String info = run(copy, "info");
        assertThat(info).startsWith("jvk ");
        String train = run(copy, "train", "--csv", csv.toString(), "--header", "--label-column", "side", "--layers", "8",
                "--activation", "relu", "--epochs", "3", "--threads", "1", "--save", model.toString());
        assertThat(train).contains("saved " + model);
        String predict = run(copy, "predict", "--model", model.toString(), "--csv", csv.toString(), "--header");
        assertThat(predict.lines().toList()).hasSize(61).first().isEqualTo("prediction");
    }

    /** Runs {@code java --add-modules jdk.incubator.vector -jar jar args} (this JVM's java) in a child process; its stdout. */
    private String run(Path jar, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = elsewhere.resolve("out.txt");
        Path err = elsewhere.resolve("err.txt");
        // the working directory is the copy's, so nothing can come from the source tree
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        assertThat(exited).as("%s ended within 2 minutes", command).isTrue();
        assertThat(p.exitValue()).as("exit code of %s; stderr: %s", command, Files.readString(err, StandardCharsets.UTF_8)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
