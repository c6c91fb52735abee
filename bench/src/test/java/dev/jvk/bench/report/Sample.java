package dev.jvk.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checked-in sample run in {@code src/test/resources/dev/jvk/bench/report/sample/}: its
 * ceiling rows come from a real tiny run of {@code FmaPeakBench} and {@code StreamBench} on this
 * project's 2-core machine; the rows of the other families are hand-shaped in JMH's exact JSON
 * shape, following {@code bench/README.md}, with round GFLOP/s and GB/s figures (see the README
 * beside the sample). {@code jmh.log} holds one failure (OpenBLAS's native library not loading).
 */
final class Sample {
    static final String[] FILES = {"results.json", "run.json", "jmh.log"};

    private Sample() {}

    /** Copies the sample into {@code dir} and returns its results.json there. */
    static Path copyTo(Path dir) throws IOException {
        for (String name : FILES) {
            try (InputStream in = Sample.class.getResourceAsStream("sample/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("sample file missing from the test resources: " + name);
                }
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir.resolve("results.json");
    }
}
