package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

class JmhResultTest {
    private static JmhResult result(String mode, int threads, double score, String unit) {
        return new JmhResult("dev.jvk.bench.gemm.SgemmBench.jvk", mode, threads, Map.of(), score, score / 10, unit, "", -1, "");
    }

    @Test
    void timePerOperationIsPerThread() {
        assertThat(result("avgt", 1, 250, "ns/op").callsPerSecond()).isCloseTo(4e6, within(1e-3));
        assertThat(result("avgt", 2, 250, "ns/op").callsPerSecond()).isCloseTo(8e6, within(1e-3));
        assertThat(result("avgt", 1, 2, "ms/op").callsPerSecond()).isCloseTo(500, within(1e-9));
        assertThat(result("ss", 1, 5, "s/op").callsPerSecond()).isCloseTo(0.2, within(1e-12));
        assertThat(result("sample", 1, 4, "us/op").callsPerSecond()).isCloseTo(250_000, within(1e-6));
    }

    @Test
    void throughputIsAlreadySummedOverThreads() {
        assertThat(result("thrpt", 2, 3, "ops/us").callsPerSecond()).isCloseTo(3e6, within(1e-6));
        assertThat(result("thrpt", 1, 120, "ops/s").callsPerSecond()).isEqualTo(120);
        assertThat(result("thrpt", 1, 7, "ops/ms").callsPerSecond()).isCloseTo(7000, within(1e-9));
    }

    @Test
    void unknownUnitsAreRejectedNotGuessed() {
        assertThatThrownBy(() -> result("avgt", 1, 1, "bytes/op").callsPerSecond()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes");
        assertThatThrownBy(() -> result("avgt", 1, 1, "GFLOP/s").callsPerSecond()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> result("avgt", 1, 1, "ns").callsPerSecond()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void relativeErrorIsNaNWithoutAnError() {
        JmhResult single = new JmhResult("a.B.c", "ss", 1, Map.of(), 10, Double.NaN, "us/op", "", -1, "");
        assertThat(single.relativeError()).isNaN();
        assertThat(result("avgt", 1, 200, "ns/op").relativeError()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void namesSplitIntoClassAndMethod() {
        JmhResult r = result("avgt", 1, 1, "ns/op");
        assertThat(r.className()).isEqualTo("SgemmBench");
        assertThat(r.qualifiedClassName()).isEqualTo("dev.jvk.bench.gemm.SgemmBench");
        assertThat(r.method()).isEqualTo("jvk");
    }
}
