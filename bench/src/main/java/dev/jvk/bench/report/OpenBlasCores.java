package dev.jvk.bench.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OpenBLAS's x86-64 core types (the names {@code OPENBLAS_CORETYPE} takes and
 * {@code openblas_get_corename} returns) by the widest vector instructions their kernels use, and
 * the best one for a CPU's flags. OpenBLAS 0.3.31 as bundled by bytedeco accepts SkylakeX and
 * Cooperlake and runs them on Zen 5; it answers an unknown name with its own choice and a core
 * type the CPU cannot run with a lesser one, so the name that ran is what the report judges.
 */
public final class OpenBlasCores {
    private static final Set<String> AVX512 = Set.of("skylakex", "cooperlake", "sapphirerapids");
    private static final Set<String> AVX2 = Set.of("haswell", "zen");
    private static final Set<String> AVX = Set.of("sandybridge", "bulldozer", "piledriver", "steamroller", "excavator");

    private OpenBlasCores() {}

    /** Vector bits of a core type's kernels: 512, 256 (AVX2 and AVX), 128 for the older ones; 0 for an unknown name. */
    public static int bits(String core) {
        String c = core.trim().toLowerCase(Locale.ROOT);
        if (AVX512.contains(c)) {
            return 512;
        }
        if (AVX2.contains(c) || AVX.contains(c)) {
            return 256;
        }
        return Set.of("nehalem", "core2", "penryn", "dunnington", "atom", "prescott", "barcelona", "opteron", "nano", "katmai",
                "coppermine", "northwood", "athlon", "banias").contains(c) ? 128 : 0;
    }

    /** True when a core type's kernels use AVX2's FMAs (or wider); false for AVX-only and older ones. */
    static boolean hasFma(String core) {
        String c = core.trim().toLowerCase(Locale.ROOT);
        return AVX512.contains(c) || AVX2.contains(c);
    }

    /**
     * The core type to load on a CPU with these flags ({@code /proc/cpuinfo}'s names): Cooperlake
     * with AVX-512 and BF16, SkylakeX with AVX-512, Haswell with AVX2 and FMA; empty where OpenBLAS
     * should choose by itself (other CPUs, other architectures).
     */
    public static Optional<String> bestFor(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
            return Optional.of(flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX");
        }
        if (flags.containsAll(Set.of("avx2", "fma"))) {
            return Optional.of("Haswell");
        }
        return Optional.empty();
    }

    /** The flags {@link #bestFor} decided by, as a space-separated list in a fixed order. */
    public static String deciding(Set<String> flags) {
        return java.util.stream.Stream.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "avx2", "fma")
                .filter(flags::contains).collect(Collectors.joining(" "));
    }

    /** The flags of a space-separated list such as the report's "SIMD features". */
    public static Set<String> flags(String list) {
        return Arrays.stream(list.trim().split("\\s+")).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * Why a core type that ran is below the best for the flags, or empty when it is the best
     * (or the flags name no better one).
     */
    public static Optional<String> shortfall(String ran, Set<String> flags) {
        Optional<String> best = bestFor(flags);
        if (best.isEmpty()) {
            return Optional.empty();
        }
        int want = bits(best.get());
        int got = bits(ran);
        if (got >= want && (hasFma(ran) || !hasFma(best.get()))) {
            return Optional.empty();
        }
        return Optional.of("OpenBLAS ran its " + (ran.isBlank() ? "unknown" : ran) + " kernels"
                + (got > 0 ? " (" + got + "-bit" + (hasFma(ran) ? "" : ", no FMA") + ")" : "")
                + " on a CPU that runs " + best.get() + "'s (" + want + "-bit)");
    }
}
