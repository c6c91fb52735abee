package dev.jvk.bench.report;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One row of JMH's JSON result file: a benchmark method at one set of parameters.
 *
 * @param benchmark  the full name, {@code package.Class.method}
 * @param mode       JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}
 * @param jmhThreads the number of JMH worker threads that ran it
 * @param params     the {@code @Param} values, in JMH's order (empty when it has none)
 * @param score      the primary score, in {@code scoreUnit}
 * @param scoreError JMH's 99.9% confidence half-width; {@code NaN} when there were too few iterations
 * @param scoreUnit  e.g. {@code ns/op}, {@code ops/s}
 * @param settings   how JMH measured it, e.g. {@code 1 fork, warm-up 2 x 500 ms, measurement 3 x 500 ms}; "" when unknown
 * @param warmupIterations JMH's warm-up iterations per fork; -1 when unknown
 * @param jdk        the JDK that ran it, e.g. {@code 25.0.3 (OpenJDK 64-Bit Server VM)}; "" when unknown
 */
public record JmhResult(String benchmark, String mode, int jmhThreads, Map<String, String> params,
                        double score, double scoreError, String scoreUnit, String settings, int warmupIterations, String jdk) {

    public JmhResult {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params)); // JMH's order
    }

    /** The class's simple name, e.g. {@code SgemmBench}. */
    public String className() {
        String qualified = qualifiedClassName();
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    /** The package and class, e.g. {@code dev.jvk.bench.gemm.SgemmBench}. */
    public String qualifiedClassName() {
        int dot = benchmark.lastIndexOf('.');
        return dot < 0 ? "" : benchmark.substring(0, dot);
    }

    /** The benchmark method's name, e.g. {@code jvk}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * Calls of the benchmark method per second, over all JMH threads together. JMH already sums
     * throughput over threads; a time per operation is each thread's own, so it is multiplied by
     * the thread count.
     *
     * @throws IllegalArgumentException when the unit is not one JMH writes
     */
    public double callsPerSecond() {
        String[] parts = scoreUnit.split("/", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a JMH score unit: " + scoreUnit);
        }
        if (parts[1].equals("op")) {
            return jmhThreads / (score * secondsIn(parts[0]));
        }
        if (parts[0].equals("ops")) {
            return score / secondsIn(parts[1]);
        }
        throw new IllegalArgumentException("not a JMH score unit: " + scoreUnit);
    }

    /**
     * Measured with no warm-up iteration at all (a single-shot run, or {@code --warmup 0}): its score
     * includes the interpreter and the JIT compiling the Vector API, so it says how a first call
     * performs, not what the kernel does once compiled.
     */
    public boolean cold() {
        return warmupIterations == 0;
    }

    /** JMH's error relative to the score (the same for a rate derived from it, to first order); NaN when JMH had none. */
    public double relativeError() {
        return score == 0 ? Double.NaN : Math.abs(scoreError / score);
    }

    private static double secondsIn(String unit) {
        TimeUnit timeUnit = switch (unit) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "min" -> TimeUnit.MINUTES;
            case "hr" -> TimeUnit.HOURS;
            case "day" -> TimeUnit.DAYS;
            default -> throw new IllegalArgumentException("not a JMH time unit: " + unit);
        };
        return timeUnit.toNanos(1) * 1e-9;
    }
}
