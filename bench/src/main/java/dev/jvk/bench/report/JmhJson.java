package dev.jvk.bench.report;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** Reads and merges JMH's JSON result files ({@code -rf json}). */
public final class JmhJson {
    private JmhJson() {}

    /**
     * The results in a JMH JSON file, in file order.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it is not a JMH JSON result file (the message names the file and what is wrong)
     */
    public static List<JmhResult> read(Path file) throws IOException {
        JsonArray rows = readArray(file);
        List<JmhResult> results = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                results.add(parse(rows.get(i).getAsJsonObject()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": entry " + i + " is not a JMH result (" + e.getMessage() + ")", e);
            }
        }
        return results;
    }

    /**
     * Writes the entries of several JMH JSON files, unchanged and in order, as one JSON array:
     * the file that {@code --report} reads back. Missing inputs are skipped (a run that failed
     * before writing its file).
     *
     * @throws IOException              when an input cannot be read or the output written
     * @throws IllegalArgumentException when an input is not a JSON array
     */
    public static void merge(List<Path> inputs, Path output) throws IOException {
        JsonArray all = new JsonArray();
        for (Path input : inputs) {
            if (Files.exists(input)) {
                all.addAll(readArray(input));
            }
        }
        try (Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(all, out);
            out.write('\n');
        }
    }

    private static JsonArray readArray(Path file) throws IOException {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(in);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not JSON (" + where(e) + ")", e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException(file + " is not a JMH JSON result file (expected an array of results)");
        }
        return root.getAsJsonArray();
    }

    private static JmhResult parse(JsonObject row) {
        JsonObject metric = required(row, "primaryMetric").getAsJsonObject();
        Map<String, String> params = new LinkedHashMap<>();
        if (row.has("params") && row.get("params").isJsonObject()) {
            for (Map.Entry<String, JsonElement> p : row.getAsJsonObject("params").entrySet()) {
                params.put(p.getKey(), p.getValue().getAsString());
            }
        }
        return new JmhResult(
                required(row, "benchmark").getAsString(),
                required(row, "mode").getAsString(),
                row.has("threads") ? row.get("threads").getAsInt() : 1,
                params,
                number(required(metric, "score")),
                metric.has("scoreError") ? number(metric.get("scoreError")) : Double.NaN,
                required(metric, "scoreUnit").getAsString(),
                settings(row),
                row.has("warmupIterations") ? row.get("warmupIterations").getAsInt() : -1,
                text(row, "jdkVersion") + (row.has("vmName") ? " (" + text(row, "vmName") + ")" : ""));
    }

    private static String settings(JsonObject row) {
        if (!row.has("forks") || !row.has("warmupIterations") || !row.has("measurementIterations")) {
            return "";
        }
        int forks = row.get("forks").getAsInt();
        return forks + (forks == 1 ? " fork" : " forks")
                + ", warm-up " + row.get("warmupIterations").getAsInt() + " x " + text(row, "warmupTime")
                + ", measurement " + row.get("measurementIterations").getAsInt() + " x " + text(row, "measurementTime");
    }

    private static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    // Gson's message runs over two lines with advice for Gson's users; the command prints one line.
    private static String where(JsonParseException e) {
        String message = String.valueOf(e.getMessage());
        Matcher at = Pattern.compile("line \\d+ column \\d+").matcher(message);
        if (at.find()) {
            return (e.getCause() instanceof EOFException ? "it ends too soon, at " : "at ") + at.group();
        }
        return message.lines().findFirst().orElse("unreadable");
    }

    private static JsonElement required(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("no \"" + name + "\"");
        }
        return e;
    }

    // JMH writes NaN and infinities as strings ("NaN"), e.g. the error of a single iteration.
    private static double number(JsonElement e) {
        if (e.getAsJsonPrimitive().isString()) {
            return Double.parseDouble(e.getAsString());
        }
        return e.getAsDouble();
    }
}
