package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples a new user copies first — the README's kernel calls (the short overloads) and docs/train.md's
 * Java API walk-through — compile against the library as it is, so a renamed method or a changed signature cannot
 * leave the docs showing code that does not build. Each {@code java} block becomes the body of a method whose
 * parameters are the free variables the README's block uses ({@code m, n, k, a, b, c, x, y}).
 */
class DocsExamplesCompileTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final List<String> IMPORTS = List.of("dev.jvk.kernels.*", "dev.jvk.nn.*", "dev.jvk.nn.data.*", "dev.jvk.nn.optim.*",
            "java.nio.file.Path", "java.util.List");

    @TempDir
    Path classes;

    @Test
    void the_java_examples_of_the_readme_and_train_md_compile_against_the_library() throws IOException {
        // surefire runs in the module's folder; the docs are the project's
        Path root = Path.of("").toAbsolutePath().getParent();
        List<JavaFileObject> sources = new ArrayList<>();
        for (String doc : List.of("README.md", "docs/train.md")) {
            Matcher block = JAVA_BLOCK.matcher(Files.readString(root.resolve(doc)));
            int found = 0;
            while (block.find()) {
                String body = block.group(1);
                // the README's second and later blocks belong to other modules' pages (low precision, Spark): the first is the kernels'
                if (doc.equals("README.md") && found > 0) {
                    break;
                }
                found++;
                sources.add(source("Example" + sources.size(), doc, body));
            }
            assertThat(found).as("java blocks in %s", doc).isPositive();
        }
        assertThat(sources).hasSize(2);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector",
                        "-proc:none", "-Xlint:none"),
                null, sources).call();
        assertThat(compiled).as("the docs' examples compile; javac says:%n%s", diagnostics).isTrue();
    }

    /** {@code body} as the method of a class named {@code name}, its import lines moved to the top. */
    private static JavaFileObject source(String name, String doc, String body) {
        StringBuilder imports = new StringBuilder();
        IMPORTS.forEach(i -> imports.append("import ").append(i).append(";\n"));
        StringBuilder code = new StringBuilder();
        for (String line : body.split("\n")) {
            (line.startsWith("import ") ? imports : code).append(line).append('\n');
        }
        String text = imports + "// from " + doc + "\nclass " + name + " {\n"
                + "  void example(int m, int n, int k, float[] a, float[] b, float[] c, float[] x, float[] y) throws Exception {\n"
                + code + "  }\n}\n";
        return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }
}
