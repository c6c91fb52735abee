package dev.jvk.bench.mlp;

import com.sun.management.ThreadMXBean;
import dev.jvk.nn.Activation;
import dev.jvk.nn.Dense;
import dev.jvk.nn.Layer;
import dev.jvk.nn.Mlp;
import dev.jvk.nn.QuantizedDense;
import dev.jvk.nn.compress.Compression;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What importing a large ONNX model costs: the first import in a fresh JVM (class loading and the
 * interpreter included, as a service starting up sees it), the later ones, the heap the imported
 * model keeps (used heap after a full GC, with and without the model held, against its weights'
 * bytes) and the bytes one import allocates. The issue's targets: under 1 s, heap no more than 1.2x
 * the weights. Run it alone on a quiet machine; one file per JVM, so the first import is cold.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx2g -cp "bench/target/classes:bench/target/lib/*" \
 *   dev.jvk.bench.mlp.OnnxImportFootprint [FILE.onnx]
 * </pre>
 *
 * Without a file it writes jvk's own export of a 4096-4096-2048-10 ReLU classifier (25.2M weights,
 * 100.8 MB; {@code Gemm} with {@code transB=0}) to a temporary file first; with {@code --quantize
 * int8|bf16|int8-dynamic}, the export of that model quantized (the import keeps the stored bytes, so
 * the weights' bytes are 1 or 2 per weight plus the scales and biases). A PyTorch export of the
 * same shape ({@code transB=1}) comes from {@code docs/onnx/make_test_models.py --big FILE}.
 */
public final class OnnxImportFootprint {
    private static final int REPEATS = 10;

    private OnnxImportFootprint() {}

    public static void main(String[] args) throws IOException {
        boolean temporary = args.length == 0 || args[0].equals("--quantize");
        QuantizedDense.Format format = null;
        Path file = null;
        // every argument checked before the temporary model is written
        if (temporary && args.length > 0) {
            if (args.length != 2) {
                exit("--quantize takes one of int8, bf16, int8-dynamic");
            }
            format = Arrays.stream(QuantizedDense.Format.values()).filter(f -> f.cliName().equals(args[1])).findFirst().orElse(null);
            if (format == null) {
                exit("--quantize takes one of int8, bf16, int8-dynamic, not '" + args[1] + "'");
            }
        } else if (!temporary) {
            file = Path.of(args[0]);
            if (args.length > 1 || !Files.isRegularFile(file)) {
                exit(args.length > 1 ? "one MODEL.onnx only" : "no such file: " + file);
            }
        }
        if (temporary) {
            file = Files.createTempFile("jvk-import-footprint", ".onnx");
            Mlp mlp = Mlp.classifier(4096, new int[] {4096, 2048}, Activation.RELU, 10, 1);
            if (format != null) {
                mlp = Compression.quantize(mlp, format);
            }
            OnnxModel.export(mlp, file);
        }
        try {
            measure(file);
        } finally {
            if (temporary) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void exit(String problem) {
        System.err.println("OnnxImportFootprint: " + problem + "; usage: OnnxImportFootprint [MODEL.onnx | --quantize int8|bf16|int8-dynamic]");
        System.exit(2);
    }

    private static void measure(Path file) throws IOException {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = usedAfterGc();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Mlp mlp = OnnxModel.importMlp(file);
        double coldMs = (System.nanoTime() - start) / 1e6;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        long retained = usedAfterGc() - before;
        long weightBytes = weightBytes(mlp);

        double[] warm = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long t = System.nanoTime();
            Mlp again = OnnxModel.importMlp(file);
            warm[i] = (System.nanoTime() - t) / 1e6;
            if (again.parameterCount() != mlp.parameterCount()) {
                throw new IllegalStateException("a later import differs from the first");
            }
        }
        Arrays.sort(warm);
        System.out.printf(Locale.ROOT, "file                 %s (%,d bytes)%n", file.getFileName(), Files.size(file));
        System.out.printf(Locale.ROOT, "model                %s, %,d bytes of weights, scales and biases as stored%n", mlp.describe(), weightBytes);
        System.out.printf(Locale.ROOT, "first import         %.1f ms (fresh JVM)%n", coldMs);
        System.out.printf(Locale.ROOT, "next %d imports      min %.1f, median %.1f, max %.1f ms%n", REPEATS, warm[0], warm[REPEATS / 2], warm[REPEATS - 1]);
        System.out.printf(Locale.ROOT, "retained heap        %,d bytes = %.3fx the weights (used heap after a full GC, model held, minus before)%n",
                retained, (double) retained / weightBytes);
        System.out.printf(Locale.ROOT, "allocated by import  %,d bytes = %.3fx the weights (this thread, first import)%n",
                allocated, (double) allocated / weightBytes);
        System.out.printf(Locale.ROOT, "max heap             %,d MB%n", Runtime.getRuntime().maxMemory() >> 20);
        if (mlp.predict(new float[mlp.inputs()], 1).length != mlp.classes()) {
            throw new IllegalStateException("the imported model does not predict");
        }
    }

    /** The bytes a model's parameters take as its layers store them: float, or int8/bf16 weights with float scales and bias. */
    private static long weightBytes(Mlp mlp) {
        long bytes = 0;
        for (Layer layer : mlp.layers()) {
            if (layer instanceof Dense d) {
                bytes += (long) Float.BYTES * (d.weights().length + d.bias().length);
            } else if (layer instanceof QuantizedDense q) {
                bytes += q.weightCount() * q.format().bytesPerWeight() + (long) Float.BYTES * (q.bias().length + q.scales().length);
            }
        }
        return bytes;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
