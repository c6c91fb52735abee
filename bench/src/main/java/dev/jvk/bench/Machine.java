package dev.jvk.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.jvk.bench.report.OpenBlasCores;
import dev.jvk.kernels.Kernels;

/** Facts about this machine for the report: CPU, its SIMD features, cores, memory, OS, JDK, Vector API, jvk. */
final class Machine {
    /** CPU features that matter to SIMD kernels (x86 flags, Arm features), in the order /proc/cpuinfo gives them. */
    private static final Set<String> SIMD_FEATURES = Set.of(
            "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c",
            "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vbmi2",
            "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8",
            "asimd", "asimdhp", "asimddp", "sve", "sve2", "i8mm", "bf16", "sme");

    private Machine() {}

    /** Labelled facts in display order. */
    static Map<String, String> describe() {
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        facts.put("CPU", cpuModel(cpuinfo));
        facts.put("SIMD features", simdFeatures(cpuinfo));
        facts.put("Cores (as the JVM sees them)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        facts.put("Memory", memory());
        facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        facts.put("JDK", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")");
        int preferred = preferredVectorBits();
        facts.put("Vector API", preferred > 0
                ? "preferred species " + preferred + "-bit (" + preferred / Float.SIZE + " float lanes)"
                : "not available (jdk.incubator.vector not resolved)");
        facts.put("jvk", Kernels.info().toString());
        // other work on the machine skews every number: say how busy it was when the run began
        String load = String.join(" ", lines(Path.of("/proc/loadavg")));
        String[] parts = load.trim().split("\\s+");
        if (parts.length >= 3) {
            facts.put("Load average at start (1, 5, 15 min)", parts[0] + ", " + parts[1] + ", " + parts[2]);
        }
        return facts;
    }

    /** The preferred Vector API width in bits; 0 when the incubator module is not resolved in this JVM. */
    static int preferredVectorBits() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return 0;
        }
        return Preferred.bits();
    }

    /** Touches the Vector API only once the module is known to be there. */
    private static final class Preferred {
        static int bits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }

    static String cpuModel(List<String> cpuinfo) {
        for (String key : List.of("model name", "Hardware", "cpu model", "Processor")) {
            String v = field(cpuinfo, key);
            if (!v.isEmpty()) {
                return v;
            }
        }
        String part = field(cpuinfo, "CPU part");
        return part.isEmpty() ? System.getProperty("os.arch") : "Arm CPU part " + part + ", implementer " + field(cpuinfo, "CPU implementer");
    }

    /** This CPU's flags (x86) or features (Arm), lower case; empty when /proc/cpuinfo cannot be read. */
    static Set<String> cpuFlags() {
        return OpenBlasCores.flags(flagsLine(lines(Path.of("/proc/cpuinfo"))));
    }

    private static String flagsLine(List<String> cpuinfo) {
        String flags = field(cpuinfo, "flags");
        return flags.isEmpty() ? field(cpuinfo, "Features") : flags;
    }

    static String simdFeatures(List<String> cpuinfo) {
        List<String> found = new ArrayList<>();
        List<String> flags = Arrays.asList(flagsLine(cpuinfo).split("\\s+"));
        for (String flag : flags) {
            if (SIMD_FEATURES.contains(flag.toLowerCase(Locale.ROOT)) && !found.contains(flag)) {
                found.add(flag);
            }
        }
        return found.isEmpty() ? "unknown" : String.join(" ", found);
    }

    private static String memory() {
        String total = field(lines(Path.of("/proc/meminfo")), "MemTotal");
        if (total.endsWith(" kB")) {
            try {
                double gib = Long.parseLong(total.substring(0, total.length() - 3).trim()) / (1024.0 * 1024.0);
                return String.format(Locale.ROOT, "%.0f GiB", gib);
            } catch (NumberFormatException ignored) {
                // fall through to the raw text
            }
        }
        return total.isEmpty() ? "unknown" : total;
    }

    /** The value of the first "key : value" line with that key. */
    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException unreadable) {
            return List.of();
        }
    }
}
