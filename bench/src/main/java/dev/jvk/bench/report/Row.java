package dev.jvk.bench.report;

/**
 * A recognised benchmark result, or a recognised benchmark that failed to run.
 *
 * @param id      who it is: family, operation, implementation, size
 * @param result  JMH's measurement; null when it failed
 * @param failure why it failed; null when it was measured
 */
public record Row(Naming.Identity id, JmhResult result, JmhFailure failure) {

    public Row {
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("a row is either measured or failed");
        }
    }

    public boolean failed() {
        return failure != null;
    }

    /** Kernel calls per second (0 when it failed). */
    public double callsPerSecond() {
        return failed() ? 0 : result.callsPerSecond();
    }

    /** JMH's error relative to its score; NaN when unknown or failed. */
    public double relativeError() {
        return failed() ? Double.NaN : result.relativeError();
    }

    /** Billions of floating-point operations per second; NaN when the flop count is unknown. */
    public double gflops() {
        return id.work().flops() * callsPerSecond() / 1e9;
    }

    /** Billions of bytes (10^9, as STREAM) moved per second; NaN when the byte count is unknown. */
    public double gigabytesPerSecond() {
        return id.work().bytes() * callsPerSecond() / 1e9;
    }

    /** Training samples per second; NaN without a batch size. */
    public double samplesPerSecond() {
        return id.work().samples() * callsPerSecond();
    }
}
