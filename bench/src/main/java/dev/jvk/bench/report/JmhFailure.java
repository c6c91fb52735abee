package dev.jvk.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark that JMH could not run (its setup threw, a peer's native library did not load):
 * JMH leaves it out of the JSON and prints {@code <failure>} and the exception in its log, which
 * the bench command keeps as {@code jmh.log}.
 *
 * @param benchmark the full benchmark name
 * @param params    its parameters
 * @param message   the first line of the exception, e.g. {@code java.lang.UnsatisfiedLinkError: ...}
 */
public record JmhFailure(String benchmark, Map<String, String> params, String message) {

    public JmhFailure {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params)); // JMH's order
    }

    /** The failures recorded in a JMH text log; none when the file does not exist. */
    public static List<JmhFailure> readLog(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return parseLog(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    /**
     * The failures in JMH's text output: after {@code # Benchmark: NAME} and
     * {@code # Parameters: (a = 1, b = x)}, a line containing {@code <failure>} is followed
     * (after a blank line) by the exception.
     */
    static List<JmhFailure> parseLog(List<String> lines) {
        List<JmhFailure> failures = new ArrayList<>();
        String benchmark = null;
        Map<String, String> params = Map.of();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("# Benchmark: ")) {
                benchmark = line.substring("# Benchmark: ".length()).trim();
                params = Map.of();
            } else if (line.startsWith("# Parameters: (") && line.endsWith(")")) {
                params = parameters(line.substring("# Parameters: (".length(), line.length() - 1));
            } else if (line.contains("<failure>") && benchmark != null) {
                String message = "failed";
                for (int j = i + 1; j < lines.size(); j++) {
                    if (!lines.get(j).isBlank()) {
                        message = lines.get(j).trim();
                        break;
                    }
                }
                failures.add(new JmhFailure(benchmark, params, message));
                benchmark = null; // one failure per benchmark run, however many stack lines follow
            }
        }
        return failures;
    }

    private static Map<String, String> parameters(String list) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : list.split(", ")) {
            int eq = pair.indexOf(" = ");
            if (eq > 0) {
                params.put(pair.substring(0, eq).trim(), pair.substring(eq + 3).trim());
            }
        }
        return params;
    }
}
