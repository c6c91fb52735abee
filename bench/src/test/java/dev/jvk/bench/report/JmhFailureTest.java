package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhFailureTest {
    @TempDir
    Path dir;

    @Test
    void findsTheFailureTheBenchmarkAndItsParameters() throws IOException {
        Sample.copyTo(dir);
        List<JmhFailure> failures = JmhFailure.readLog(dir.resolve("jmh.log"));
        assertThat(failures).hasSize(1);
        JmhFailure f = failures.get(0);
        assertThat(f.benchmark()).isEqualTo("dev.jvk.bench.gemm.DgemmBench.openblas");
        assertThat(f.params()).containsExactly(Map.entry("size", "256"), Map.entry("threads", "1"));
        assertThat(f.message()).startsWith("java.lang.UnsatisfiedLinkError: no jniopenblas_nolapack");
    }

    @Test
    void aLogWithoutFailuresOrNoLogAtAllHasNone() throws IOException {
        assertThat(JmhFailure.parseLog(List.of("# Benchmark: a.B.c", "# Parameters: (n = 1)", "Iteration   1: 3.0 ns/op"))).isEmpty();
        assertThat(JmhFailure.readLog(dir.resolve("absent.log"))).isEmpty();
    }

    @Test
    void theExceptionOnTheSameLineAsTheMarkerIsNotNeeded() {
        // JMH prints "<failure>" at the end of the iteration line, then a blank line, then the exception
        List<JmhFailure> failures = JmhFailure.parseLog(List.of(
                "# Benchmark: dev.jvk.bench.blas1.DotBench.lucene", "# Warmup Iteration   1: <failure>", "",
                "java.lang.NoClassDefFoundError: org/apache/lucene/util/VectorUtil", "\tat x.y(Z.java:1)",
                "# Benchmark: dev.jvk.bench.blas1.DotBench.jvk", "Iteration   1: 3.0 ns/op"));
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.benchmark()).isEqualTo("dev.jvk.bench.blas1.DotBench.lucene");
            assertThat(f.params()).isEmpty();
            assertThat(f.message()).isEqualTo("java.lang.NoClassDefFoundError: org/apache/lucene/util/VectorUtil");
        });
    }
}
