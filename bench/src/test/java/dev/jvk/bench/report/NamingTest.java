package dev.jvk.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The conventions of bench/README.md, one case each. */
class NamingTest {
    private static Naming.Identity id(String benchmark, Map<String, String> params) {
        return Naming.identify(benchmark, params, 1).orElseThrow(() -> new AssertionError("not recognised: " + benchmark));
    }

    @Test
    void packageIsTheFamilyClassTheOperationMethodTheImplementation() {
        Naming.Identity id = id("dev.jvk.bench.gemm.SgemmBench.openblas", Map.of("size", "1024", "threads", "2"));
        assertThat(id.family()).isEqualTo(Family.GEMM);
        assertThat(id.op()).isEqualTo("sgemm");
        assertThat(id.impl()).isEqualTo("openblas");
        assertThat(id.shape().dims()).containsExactly(1024L);
        assertThat(id.threads()).isEqualTo(2);
        assertThat(id.extras()).isEmpty();
        assertThat(id.work().flops()).isEqualTo(2.0 * 1024 * 1024 * 1024);
        assertThat(id.work().bytes()).isEqualTo(4.0 * 3 * 1024 * 1024);
    }

    @Test
    void blas1SplitsIntoReductionsAndElementwise() {
        assertThat(id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "4096")).family()).isEqualTo(Family.REDUCTIONS);
        assertThat(id("dev.jvk.bench.blas1.LogSumExpBenchmark.jvk", Map.of("size", "8")).op()).isEqualTo("logSumExp");
        assertThat(id("dev.jvk.bench.blas1.LogSumExpBenchmark.jvk", Map.of("size", "8")).family()).isEqualTo(Family.REDUCTIONS);
        assertThat(id("dev.jvk.bench.blas1.AxpyBench.plain", Map.of("size", "4096")).family()).isEqualTo(Family.ELEMENTWISE);
        assertThat(id("dev.jvk.bench.activations.ExpBench.reference", Map.of("size", "4096")).family()).isEqualTo(Family.ELEMENTWISE);
    }

    @Test
    void anOpParameterNamesTheOperationOfAClassOfMany() {
        Naming.Identity id = id("dev.jvk.bench.activations.ActivationsBench.jvk", Map.of("op", "tanh", "size", "1024"));
        assertThat(id.op()).isEqualTo("tanh");
        assertThat(id.extras()).isEmpty();
        assertThat(id.work().bytes()).isEqualTo(2.0 * 4 * 1024);
        assertThat(id("dev.jvk.bench.blas1.ReductionsBench.jvk", Map.of("op", "sum", "size", "16")).family()).isEqualTo(Family.REDUCTIONS);
    }

    @Test
    void shapesComeAsMxNxKOrAsSeparateParameters() {
        Naming.Identity shape = id("dev.jvk.bench.gemm.SgemmBench.jvk", Map.of("shape", "128x10x128", "trans", "NT"));
        assertThat(shape.shape().dims()).containsExactly(128L, 10L, 128L);
        assertThat(shape.shape().label()).isEqualTo("128x10x128");
        assertThat(shape.extras()).containsEntry("trans", "NT");
        assertThat(shape.work().flops()).isEqualTo(2.0 * 128 * 10 * 128);
        assertThat(shape.work().bytes()).isEqualTo(4.0 * (128 * 128 + 128 * 10 + 128 * 10));

        Naming.Identity mnk = id("dev.jvk.bench.gemm.DgemmBench.jvk", Map.of("m", "2", "n", "3", "k", "4"));
        assertThat(mnk.shape().label()).isEqualTo("2x3x4");
        assertThat(mnk.work().elementBytes()).isEqualTo(8);
        assertThat(mnk.work().bytes()).isEqualTo(8.0 * (2 * 4 + 4 * 3 + 2 * 3));

        Naming.Identity gemv = id("dev.jvk.bench.gemm.SgemvBench.jvk", Map.of("shape", "256x784"));
        assertThat(gemv.work().flops()).isEqualTo(2.0 * 256 * 784);
        assertThat(gemv.work().bytes()).isEqualTo(4.0 * (256 * 784 + 256 + 784));
    }

    @Test
    void vectorSizesReadAsPeopleSayThem() {
        assertThat(id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "16777216")).shape().label()).isEqualTo("16M");
        assertThat(id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "4096")).shape().label()).isEqualTo("4K");
        assertThat(id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "1000")).shape().label()).isEqualTo("1000");
        assertThat(id("dev.jvk.bench.gemm.SgemmBench.jvk", Map.of("size", "1024")).shape().label()).isEqualTo("1024");
    }

    @Test
    void workFollowsTheTableOfTheReadme() {
        Naming.Identity dot = id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "100"));
        assertThat(dot.work().flops()).isEqualTo(200);
        assertThat(dot.work().bytes()).isEqualTo(800);
        assertThat(dot.work().stream()).isEqualTo(Work.StreamKind.TRIAD);
        Naming.Identity dotDouble = id("dev.jvk.bench.blas1.DotBench.jvk", Map.of("size", "100", "type", "double"));
        assertThat(dotDouble.work().bytes()).isEqualTo(1600);
        assertThat(dotDouble.extras()).containsEntry("type", "double");
        Naming.Identity backward = id("dev.jvk.bench.activations.GeluTanhBackwardBench.jvk", Map.of("size", "10"));
        assertThat(backward.work().bytes()).isEqualTo(120);
        assertThat(backward.work().hasFlops()).isFalse();
        Naming.Identity relu = id("dev.jvk.bench.activations.ReluBench.jvk", Map.of("size", "10"));
        assertThat(relu.work().bytes()).isEqualTo(80);
        assertThat(relu.work().stream()).isEqualTo(Work.StreamKind.COPY);
        Naming.Identity mlp = id("dev.jvk.bench.mlp.MlpTrainBench.jvk", Map.of("batch", "128", "threads", "1"));
        assertThat(mlp.work().samples()).as("training: one JMH operation is one sample, whatever the step's batch").isEqualTo(1);
        assertThat(mlp.extras()).containsEntry("batch", "128");
        Naming.Identity inference = id("dev.jvk.bench.mlp.MlpInferenceBenchmark.predict", Map.of("batch", "128", "threads", "1"));
        assertThat(inference.work().samples()).as("inference: a call is a batch").isEqualTo(128);
        Naming.Identity batchOne = id("dev.jvk.bench.mlp.MlpInferenceBenchmark.predict", Map.of("threads", "1"));
        assertThat(batchOne.work().samples()).isEqualTo(1);
        Naming.Identity load = id("dev.jvk.bench.mlp.OnnxImportBenchmark.importMlp", Map.of());
        assertThat(Metric.of(load)).as("neither training nor inference: time per call").isEqualTo(Metric.TIME);
    }

    @Test
    void ceilingWorkComesFromTheCeilingBenchmarks() {
        Naming.Identity fma = Naming.identify("dev.jvk.bench.ceiling.FmaPeakBench.float512", Map.of(), 2).orElseThrow();
        assertThat(fma.family()).isEqualTo(Family.CEILING);
        assertThat(fma.threads()).isEqualTo(2).as("JMH threads when there is no threads parameter");
        assertThat(fma.work().flops()).isEqualTo(2.0 * 16 * 16 * 1024);
        Naming.Identity stream = id("dev.jvk.bench.ceiling.StreamBench.triad", Map.of("size", "1000"));
        assertThat(stream.work().bytes()).isEqualTo(12_000);
        assertThat(stream.work().flops()).isEqualTo(2_000);
        assertThat(Metric.of(fma)).isEqualTo(Metric.GFLOPS);
        assertThat(Metric.of(stream)).isEqualTo(Metric.GBPS);
    }

    @Test
    void aMethodThatNamesNoImplementationIsAJvkBenchmarkOfItsOwn() {
        Naming.Identity train = id("dev.jvk.bench.mlp.MlpTrainingBenchmark.trainStep", Map.of("threads", "2", "optimizer", "adam"));
        assertThat(train.impl()).isEqualTo("jvk");
        assertThat(train.op()).isEqualTo("mlpTraining.trainStep");
        assertThat(train.threads()).isEqualTo(2);
        assertThat(train.extras()).containsExactly(Map.entry("optimizer", "adam"));
        assertThat(train.work().samples()).as("no batch parameter: one JMH operation is one sample").isEqualTo(1);
        assertThat(Metric.of(train)).isEqualTo(Metric.SAMPLES);
        Naming.Identity variant = id("dev.jvk.bench.gemm.SgemmBench.jvkNoPacking", Map.of("size", "64"));
        assertThat(variant.impl()).isEqualTo("jvk");
        assertThat(variant.op()).isEqualTo("sgemm.jvkNoPacking");
        assertThat(variant.work().flops()).as("the work of the class's operation").isEqualTo(2.0 * 64 * 64 * 64);
    }

    @Test
    void aClassNamedForAPeerIsThatPeersMeasurementOfTheOperation() {
        Naming.Identity torch = id("dev.jvk.bench.mlp.PyTorchMlpTrainingBenchmark.trainStep", Map.of("threads", "1"));
        Naming.Identity jvk = id("dev.jvk.bench.mlp.MlpTrainingBenchmark.trainStep", Map.of("threads", "1"));
        assertThat(torch.impl()).isEqualTo("pytorch");
        assertThat(torch.op()).isEqualTo(jvk.op()).isEqualTo("mlpTraining.trainStep");
        assertThat(torch.group()).isEqualTo(jvk.group()).isEqualTo("mlpTraining");
        Map<String, String> params = Map.of("batch", "128", "threads", "2");
        Naming.Identity ort = id("dev.jvk.bench.mlp.OnnxRuntimeMlpInferenceBenchmark.predict", params);
        Naming.Identity jvkInference = id("dev.jvk.bench.mlp.MlpInferenceBenchmark.predict", params);
        assertThat(ort.impl()).isEqualTo("onnxruntime");
        assertThat(jvkInference.impl()).isEqualTo("jvk");
        assertThat(ort.op()).isEqualTo(jvkInference.op()).isEqualTo("mlpInference.predict");
        assertThat(ort.extras()).isEqualTo(jvkInference.extras());
        assertThat(ort.work().samples()).isEqualTo(128);
        // "Plainly" is no peer: only a known name followed by a capital counts
        assertThat(id("dev.jvk.bench.gemm.PlainlyBench.jvk", Map.of()).op()).isEqualTo("plainly");
    }

    @Test
    void gemmShapesMayNameTheirTranspositions() {
        Naming.Identity nt = id("dev.jvk.bench.gemm.SgemmBench.jvk", Map.of("shape", "NT:128x784x256", "threads", "1"));
        assertThat(nt.shape().dims()).containsExactly(128L, 784L, 256L);
        assertThat(nt.shape().label()).isEqualTo("NT:128x784x256");
        assertThat(nt.shape().isSquare()).isFalse();
        assertThat(nt.work().flops()).isEqualTo(2.0 * 128 * 784 * 256);
        Naming.Identity square = id("dev.jvk.bench.gemm.SgemmBench.jvk", Map.of("shape", "NN:512x512x512"));
        assertThat(square.shape().isSquare()).isTrue();
        assertThat(square.shape().side()).isEqualTo(512);
        assertThat(id("dev.jvk.bench.gemm.SgemmBench.jvk", Map.of("shape", "TN:512x512x512")).shape().isSquare()).isFalse();
    }

    @Test
    void methodsMayNameOperationThenImplementationOrImplementationThenOperation() {
        Naming.Identity lucene = id("dev.jvk.bench.blas1.SumDotBench.dotLucene", Map.of("n", "4096"));
        assertThat(lucene.op()).isEqualTo("dot");
        assertThat(lucene.impl()).isEqualTo("lucene");
        assertThat(lucene.family()).isEqualTo(Family.REDUCTIONS);
        assertThat(lucene.shape().dims()).containsExactly(4096L);
        assertThat(lucene.work().bytes()).isEqualTo(2.0 * 4 * 4096);
        Naming.Identity sum = id("dev.jvk.bench.blas1.SumDotBench.sumJvk", Map.of("n", "16"));
        assertThat(sum.op()).isEqualTo("sum");
        assertThat(sum.impl()).isEqualTo("jvk");
        Naming.Identity arraycopy = id("dev.jvk.bench.blas1.VectorsBench.copyArraycopy", Map.of("n", "16"));
        assertThat(arraycopy.op()).isEqualTo("copy");
        assertThat(arraycopy.impl()).isEqualTo("arraycopy");
        assertThat(arraycopy.family()).isEqualTo(Family.ELEMENTWISE);
        Naming.Identity fill = id("dev.jvk.bench.blas1.VectorsBench.fillArraysFill", Map.of("n", "16"));
        assertThat(fill.op()).isEqualTo("fill");
        assertThat(fill.impl()).isEqualTo("arraysFill");
        Naming.Identity stream = id("dev.jvk.bench.blas1.StreamBench.streamTriad", Map.of("n", "16"));
        assertThat(stream.impl()).isEqualTo("stream");
        assertThat(stream.op()).isEqualTo("triad");
        assertThat(stream.work().bytes()).isEqualTo(12.0 * 16);
        Naming.Identity logSumExp = id("dev.jvk.bench.blas1.ReductionsBench.logSumExpReference", Map.of("n", "16"));
        assertThat(logSumExp.op()).isEqualTo("logSumExp");
        assertThat(logSumExp.impl()).isEqualTo("reference");
    }

    @Test
    void aDoublesClassMeasuresDoubles() {
        Naming.Identity dot = id("dev.jvk.bench.blas1.DoublesBench.dotJvk", Map.of("n", "100"));
        assertThat(dot.op()).isEqualTo("dot");
        assertThat(dot.group()).isEqualTo("doubles");
        assertThat(dot.work().elementBytes()).isEqualTo(8);
        assertThat(dot.work().bytes()).isEqualTo(1600);
    }

    @Test
    void experimentsWithMethodsOfTheirOwnLandInTheFamilyTheirNameSays() {
        Naming.Identity acc = id("dev.jvk.bench.blas1.AccumulatorsBench.dotEightAccumulatorsReduceLanes", Map.of("size", "1024"));
        assertThat(acc.impl()).isEqualTo("jvk");
        assertThat(acc.op()).isEqualTo("accumulators.dotEightAccumulatorsReduceLanes");
        assertThat(acc.family()).isEqualTo(Family.REDUCTIONS);
        Naming.Identity max = id("dev.jvk.bench.blas1.MaxFormulationsBench.compareBlendNanMask", Map.of("size", "1024"));
        assertThat(max.family()).isEqualTo(Family.REDUCTIONS);
    }

    @Test
    void anUnknownOperationStillGetsARowWithTimePerCall() {
        Naming.Identity odd = id("dev.jvk.bench.gemm.PackingBench.jvk", Map.of("size", "64"));
        assertThat(odd.work().hasFlops()).isFalse();
        assertThat(Metric.of(odd)).isEqualTo(Metric.TIME);
    }

    @Test
    void namesOutsideTheConventionsAreNotRecognised() {
        for (String name : List.of("org.example.FooBench.jvk", "dev.jvk.bench.misc.FooBench.jvk", "dev.jvk.bench.gemm.inner.FooBench.jvk",
                "dev.jvk.bench.FooBench.jvk", "dev.jvk.benchmarks.gemm.FooBench.jvk")) {
            assertThat(Naming.identify(name, Map.of(), 1)).as(name).isEmpty();
        }
    }

    @Test
    void implementationsSortKnownOnesFirst() {
        List<String> impls = new java.util.ArrayList<>(List.of("zeta", "ejml", "jvk", "alpha", "openblas", "reference"));
        impls.sort(Naming.IMPLEMENTATION_ORDER);
        assertThat(impls).containsExactly("jvk", "reference", "openblas", "ejml", "alpha", "zeta");
    }

    @Test
    void rowRatesUseTheWork() {
        JmhResult r = new JmhResult("dev.jvk.bench.gemm.SgemmBench.jvk", "avgt", 1, Map.of("size", "1000"), 10, 1, "ms/op", "", -1, "");
        Row row = new Row(Naming.identify(r.benchmark(), r.params(), 1).orElseThrow(), r, null);
        assertThat(row.gflops()).isCloseTo(2e9 / 0.010 / 1e9, within(1e-9));
        assertThat(row.gigabytesPerSecond()).isCloseTo(12e6 / 0.010 / 1e9, within(1e-12));
        assertThat(row.samplesPerSecond()).isNaN();
    }
}
