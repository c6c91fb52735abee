package dev.jvk.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.jvk.bench.report.Family;
import org.junit.jupiter.api.Test;

/** The include patterns pick the benchmarks the README says they do (JMH matches with find()). */
class SuiteTest {
    private static boolean selects(List<String> includes, String benchmark) {
        return includes.stream().anyMatch(p -> Pattern.compile(p).matcher(benchmark).find());
    }

    private static boolean selects(Family family, String benchmark) {
        return selects(List.of(Suite.familyPattern(family)), benchmark);
    }

    @Test
    void familiesSplitBlas1ByOperation() {
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.DotBench.jvk")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.LogSumExpBench.reference")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.ReductionsBench.jvk")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.AxpyBench.jvk")).isFalse();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.AxpyBench.jvk")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.StreamBench.copy")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.activations.ExpBench.plain")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.DotBench.jvk")).isFalse();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.AsumBench.jvk")).isFalse();
        assertThat(selects(Family.GEMM, "dev.jvk.bench.gemm.SgemmBench.openblas")).isTrue();
        assertThat(selects(Family.GEMM, "dev.jvk.bench.gemmx.SgemmBench.openblas")).isFalse();
        assertThat(selects(Family.MLP, "dev.jvk.bench.mlp.MlpTrainBench.jvk")).isTrue();
        // methods named <op><Impl> in classes of several operations
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.SumDotBench.dotLucene")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.DoublesBench.logSumExpJvk")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.DoublesBench.logSumExpJvk")).isFalse();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.DoublesBench.axpyJvk")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.MaxFormulationsBench.lanewiseMax")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.VectorsBench.copyArraycopy")).isTrue();
        assertThat(selects(Family.ELEMENTWISE, "dev.jvk.bench.blas1.StreamBench.streamTriad")).isTrue();
        assertThat(selects(Family.REDUCTIONS, "dev.jvk.bench.blas1.StreamBench.streamTriad")).isFalse();
    }

    @Test
    void quickPlanRunsCeilingsFirstThenCuratedFamiliesWithOverrides() {
        List<Suite.Selection> plan = Suite.plan(false, Set.of(), 0, List.of(128, 256, 512), 512, 2);
        assertThat(plan).extracting(Suite.Selection::name)
                .containsExactly("ceiling", "ceiling-2threads", "gemm-sgemm", "gemm-sgemm-peers", "gemm-dgemm", "gemm-sgemv", "reductions",
                        "elementwise-activations", "elementwise-vectors", "mlp-training", "mlp-inference");
        Suite.Selection ceiling = plan.get(0);
        assertThat(ceiling.jmhThreads()).isEqualTo(1);
        assertThat(ceiling.minWarmupIterations()).as("the ceilings warm up longer").isGreaterThan(Suite.QUICK.warmupIterations());
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float128")).isTrue();
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.double512")).isTrue();
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.double256")).isFalse();
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.StreamBench.triad")).isTrue();
        Suite.Selection many = plan.get(1);
        assertThat(many.jmhThreads()).as("the FMA peak of 2 threads bounds 2-thread GEMM").isEqualTo(2);
        assertThat(selects(many.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float512")).isTrue();
        assertThat(selects(many.includes(), "dev.jvk.bench.ceiling.StreamBench.triad")).as("quick: no 2-thread STREAM").isFalse();
        Suite.Selection sgemm = plan.get(2);
        assertThat(sgemm.params()).as("1 thread and all cores side by side").containsEntry("threads", List.of("1", "2"))
                .containsEntry("shape", List.of("NN:256x256x256", "NN:1024x1024x1024", "NN:128x256x784", "NN:128x10x128"));
        assertThat(selects(sgemm.includes(), "dev.jvk.bench.gemm.SgemmBench.openblas")).isTrue();
        assertThat(selects(sgemm.includes(), "dev.jvk.bench.gemm.SgemmBench.ejml")).isFalse();
        assertThat(selects(sgemm.includes(), "dev.jvk.bench.gemm.DgemmBench.openblas")).isFalse();
        assertThat(selects(sgemm.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float512")).isFalse();
        assertThat(selects(sgemm.includes(), "dev.jvk.bench.gemm.SgemvBench.jvk")).as("GEMV shapes have another form").isFalse();
        Suite.Selection peers = plan.get(3);
        assertThat(peers.params()).as("single-threaded peers on 1 thread only").containsEntry("threads", List.of("1"))
                .containsEntry("shape", List.of("NN:256x256x256"));
        assertThat(selects(peers.includes(), "dev.jvk.bench.gemm.SgemmBench.ejml")).isTrue();
        assertThat(selects(peers.includes(), "dev.jvk.bench.gemm.SgemmBench.jvk")).isFalse();
        Suite.Selection dgemm = plan.get(4);
        assertThat(selects(dgemm.includes(), "dev.jvk.bench.gemm.DgemmBench.jvk")).isTrue();
        assertThat(dgemm.params()).containsEntry("shape", List.of("NN:1024x1024x1024")).containsEntry("threads", List.of("1", "2"));
        Suite.Selection sgemv = plan.get(5);
        assertThat(selects(sgemv.includes(), "dev.jvk.bench.gemm.SgemvBench.netlib")).isTrue();
        assertThat(selects(sgemv.includes(), "dev.jvk.bench.gemm.SgemmBench.netlib")).isFalse();
        assertThat(sgemv.params()).containsEntry("shape", List.of("N:256x784"));
        Suite.Selection reductions = plan.get(6);
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.DotBench.lucene")).isTrue();
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.SumDotBench.dotLucene")).isTrue();
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.SumDotBench.sumJvk")).isFalse();
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.DoublesBench.dotJvk")).as("an experiment class").isFalse();
        assertThat(reductions.params()).containsEntry("n", List.of("4096", "16777216"));
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.SumBench.jvk")).as("not in the quick list").isFalse();
        assertThat(selects(reductions.includes(), "dev.jvk.bench.blas1.AsumBench.jvk")).as("not in the quick list").isFalse();
        Suite.Selection activations = plan.get(7);
        assertThat(selects(activations.includes(), "dev.jvk.bench.activations.ExpBench.jvk")).isTrue();
        assertThat(selects(activations.includes(), "dev.jvk.bench.activations.ActivationsBench.jvk")).isTrue();
        assertThat(selects(activations.includes(), "dev.jvk.bench.activations.SoftplusBench.jvk")).isFalse();
        assertThat(activations.params().get("op")).containsExactly("exp");
        Suite.Selection vectors = plan.get(8);
        assertThat(selects(vectors.includes(), "dev.jvk.bench.blas1.VectorsBench.axpyReference")).isTrue();
        assertThat(selects(vectors.includes(), "dev.jvk.bench.blas1.VectorsBench.copyArraycopy")).isTrue();
        assertThat(selects(vectors.includes(), "dev.jvk.bench.blas1.VectorsBench.scalJvk")).isFalse();
        assertThat(vectors.params()).containsEntry("n", List.of("16777216"));
        Suite.Selection training = plan.get(9);
        assertThat(training.params()).containsEntry("optimizer", List.of("sgd")).containsEntry("threads", List.of("1", "2"))
                .as("the step's batch of the PyTorch baseline").containsEntry("batch", List.of("128"));
        assertThat(selects(training.includes(), "dev.jvk.bench.mlp.MlpTrainingBenchmark.trainStep")).isTrue();
        assertThat(selects(training.includes(), "dev.jvk.bench.mlp.PyTorchMlpTrainingBenchmark.trainStep")).isTrue();
        assertThat(selects(training.includes(), "dev.jvk.bench.mlp.MlpInferenceBenchmark.predict")).isFalse();
        Suite.Selection inference = plan.get(10);
        assertThat(inference.params()).containsEntry("threads", List.of("1", "2")).containsEntry("batch", List.of("1", "128", "1024"))
                .doesNotContainKey("optimizer");
        assertThat(selects(inference.includes(), "dev.jvk.bench.mlp.MlpInferenceBenchmark.predict")).isTrue();
        assertThat(selects(inference.includes(), "dev.jvk.bench.mlp.OnnxRuntimeMlpInferenceBenchmark.predict")).isTrue();
        assertThat(selects(inference.includes(), "dev.jvk.bench.mlp.PyTorchMlpTrainingBenchmark.trainStep")).isFalse();
        assertThat(selects(inference.includes(), "dev.jvk.bench.mlp.MlpInferenceBreakdownBenchmark.gemm1")).as("a diagnostic, not a peer").isFalse();
        assertThat(selects(training.includes(), "dev.jvk.bench.mlp.OnnxImportBenchmark.importModel")
                || selects(inference.includes(), "dev.jvk.bench.mlp.OnnxImportBenchmark.importModel")).as("no import in the quick run").isFalse();
    }

    @Test
    void narrowerMachinesMeasureOnlyTheirWidths() {
        List<Suite.Selection> plan = Suite.plan(false, Set.of(Family.MLP), 0, List.of(128, 256), 256, 1);
        Suite.Selection ceiling = plan.get(0);
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float256")).isTrue();
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.double256")).isTrue();
        assertThat(selects(ceiling.includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float512")).isFalse();
        assertThat(plan).extracting(Suite.Selection::name).containsExactly("ceiling", "mlp-training", "mlp-inference");
    }

    @Test
    void threadsGoToTheThreadsParameterAndTheCeilingIsMeasuredOnThemToo() {
        List<Suite.Selection> plan = Suite.plan(false, Set.of(Family.GEMM), 2, List.of(128, 256, 512), 512, 2);
        assertThat(plan).extracting(Suite.Selection::name)
                .containsExactly("ceiling", "ceiling-2threads", "gemm-sgemm", "gemm-sgemm-peers", "gemm-dgemm", "gemm-sgemv");
        assertThat(plan.get(1).jmhThreads()).isEqualTo(2);
        assertThat(selects(plan.get(1).includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float512")).isTrue();
        assertThat(selects(plan.get(1).includes(), "dev.jvk.bench.ceiling.FmaPeakBench.float128")).isFalse();
        assertThat(plan.get(2).params()).as("--threads names the one count to run").containsEntry("threads", List.of("2"));
    }

    @Test
    void fullPlanKeepsTheBenchmarksOwnParametersAndRunsEverythingElseToo() {
        List<Suite.Selection> plan = Suite.plan(true, Set.of(), 0, List.of(128, 256, 512), 512, 2);
        assertThat(plan).extracting(Suite.Selection::name)
                .containsExactly("ceiling", "ceiling-2threads", "gemm", "reductions", "elementwise", "mlp", "other");
        assertThat(plan.get(2).params()).as("the benchmarks' own parameters").isEmpty();
        Suite.Selection other = plan.get(6);
        assertThat(selects(other.includes(), "dev.jvk.bench.misc.FooBench.run")).isTrue();
        assertThat(selects(other.includes(), "dev.jvk.bench.gemm.SgemmBench.jvk")).isFalse();
    }

    @Test
    void quickTimingHasWarmupAndAFork() {
        assertThat(Suite.QUICK.forks()).isGreaterThanOrEqualTo(1);
        assertThat(Suite.QUICK.warmupIterations() * Suite.QUICK.warmupTime().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(2000);
    }
}
