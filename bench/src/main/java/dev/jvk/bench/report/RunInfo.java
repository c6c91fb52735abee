package dev.jvk.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

/**
 * What the bench command knew about its run that JMH's JSON does not hold, kept beside it as
 * {@code run.json} so that {@code --report} can describe the machine the numbers came from.
 *
 * @param date          when the run started, e.g. {@code 2026-05-01 12:00}
 * @param command       the command line, e.g. {@code ./jvk bench --quick}
 * @param machine       labelled facts about the machine, in display order (see {@code Machine})
 * @param jvkVectorBits the vector width jvk's kernels used (0: scalar); picks the FMA ceiling
 * @param notes         things a reader should know, e.g. a family with no benchmarks in this build
 * @param openblas      how OpenBLAS was loaded; null when the run did not record it
 */
public record RunInfo(String date, String command, Map<String, String> machine, int jvkVectorBits, List<String> notes,
                      OpenBlasRun openblas) {

    /**
     * How the command loaded OpenBLAS in the benchmark forks.
     *
     * @param coretype the {@code OPENBLAS_CORETYPE} the forks got ("" when OpenBLAS chose)
     * @param ran      the kernels OpenBLAS loaded with that setting ({@code openblas_get_corename}),
     *                 "" when it could not be loaded
     * @param why      why that setting: from the CPU's flags, fixed by the user, or left to OpenBLAS
     */
    public record OpenBlasRun(String coretype, String ran, String why) {
        public OpenBlasRun {
            coretype = coretype == null ? "" : coretype;
            ran = ran == null ? "" : ran;
            why = why == null ? "" : why;
        }
    }

    /** The name of the file beside {@code results.json}. */
    public static final String FILE_NAME = "run.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public RunInfo {
        machine = machine == null ? Map.of() : new LinkedHashMap<>(machine);
        notes = notes == null ? List.of() : List.copyOf(notes);
        date = date == null ? "" : date;
        command = command == null ? "" : command;
    }

    /** The same run with other notes. */
    public RunInfo withNotes(List<String> newNotes) {
        return new RunInfo(date, command, machine, jvkVectorBits, newNotes, openblas);
    }

    public void write(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            GSON.toJson(this, out);
            out.write('\n');
        }
    }

    /** The run info in {@code file}; empty when there is none or it cannot be read (the report then says so). */
    public static Optional<RunInfo> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return Optional.ofNullable(GSON.fromJson(in, RunInfo.class));
        } catch (IOException | JsonParseException e) {
            return Optional.empty();
        }
    }
}
