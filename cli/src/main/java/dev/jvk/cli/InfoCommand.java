package dev.jvk.cli;

import dev.jvk.kernels.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jvk info}: what the kernels run on, and the SIMD features of this CPU as the JVM sees them. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the kernel implementation in use, its vector width and the CPU's SIMD features.")
final class InfoCommand implements Callable<Integer> {
    /** The /proc/cpuinfo flags that matter for SIMD kernels, x86 and ARM, in this order. */
    private static final List<String> SIMD_FLAGS = List.of(
            "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni",
            "avx512_bf16", "avx512_fp16", "amx_tile", "asimd", "asimdhp", "asimddp", "sve", "sve2");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(Kernels.info());
        out.println("cpu: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors available to the JVM");
        List<String> flags = simdFlags();
        out.println("cpu SIMD flags: " + (flags.isEmpty() ? "(none found in /proc/cpuinfo)" : String.join(" ", flags)));
        out.println("JVM: " + System.getProperty("os.arch") + ", preferred vector species " + preferredSpecies()
                + jvmOption("UseAVX", ", UseAVX=") + jvmOption("MaxVectorSize", ", MaxVectorSize="));
        out.println("max heap: " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        return 0;
    }

    static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name") || line.startsWith("Model") || line.startsWith("CPU part")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    static List<String> simdFlags() {
        Set<String> present = new LinkedHashSet<>();
        for (String line : cpuinfo()) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                for (String f : line.substring(line.indexOf(':') + 1).strip().split("\\s+")) {
                    present.add(f);
                }
                break;
            }
        }
        List<String> relevant = new ArrayList<>();
        for (String f : SIMD_FLAGS) {
            if (present.contains(f)) {
                relevant.add(f);
            }
        }
        return relevant;
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String preferredSpecies() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "unknown (jdk.incubator.vector not added)";
        }
        return VectorProbe.preferredBits() + " bits";
    }

    private static String jvmOption(String name, String label) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return label + bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    /** Touches the Vector API only once the module is known to be present. */
    private static final class VectorProbe {
        static int preferredBits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
