package dev.jvk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Gemm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the command-line tests share: {@link Main} run in this JVM as {@code ./jvk} runs it, with stdout and stderr
 * captured, the arguments put together, the {@code --json} line read, and GEMM's thread count kept.
 */
final class Cli {
    private Cli() {}

    /** A run's exit code and what it printed on stdout and on stderr. */
    record Run(int code, String out, String err) {}

    /** Runs {@code jvk args...}. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code args}, then {@code more}. */
    static String[] with(String[] args, String... more) {
        return Stream.concat(Arrays.stream(args), Arrays.stream(more)).toArray(String[]::new);
    }

    /** {@code args}, then {@code more}. */
    static String[] with(List<String> args, String... more) {
        return with(args.toArray(String[]::new), more);
    }

    /** The number under {@code key} in a {@code --json} line. */
    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Sets GEMM's thread count back after each test: a command given {@code --threads} sets it for the whole JVM. */
    static final class KeepsThreads implements BeforeEachCallback, AfterEachCallback {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeepsThreads.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            context.getStore(NAMESPACE).put("threads", Gemm.threads());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            Gemm.setThreads(context.getStore(NAMESPACE).get("threads", Integer.class));
        }
    }
}
