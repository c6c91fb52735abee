package dev.jvk.nn.optim;

/**
 * The learning rate as a function of training progress, measured in epochs (fractional within an
 * epoch, so schedules are smooth over steps).
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The rate at {@code progress} epochs into a run of {@code totalEpochs} ({@code 0 <= progress < totalEpochs}).
     */
    float rate(double progress, int totalEpochs);

    /** The same rate throughout. */
    static LearningRateSchedule constant(float rate) {
        positive(rate);
        return (progress, total) -> rate;
    }

    /** {@code rate * gamma^floor(progress / everyEpochs)}: drops by {@code gamma} every {@code everyEpochs} epochs. */
    static LearningRateSchedule step(float rate, int everyEpochs, float gamma) {
        positive(rate);
        if (everyEpochs < 1 || !(gamma > 0f && gamma <= 1f)) {
            throw new IllegalArgumentException("step schedule needs everyEpochs >= 1 and gamma in (0, 1], got " + everyEpochs + ", " + gamma);
        }
        return (progress, total) -> (float) (rate * StrictMath.pow(gamma, Math.floor(progress / everyEpochs)));
    }

    /** Cosine annealing from {@code rate} at the start to {@code minRate} at the end of the run. */
    static LearningRateSchedule cosine(float rate, float minRate) {
        positive(rate);
        if (!(minRate >= 0f && minRate <= rate)) {
            throw new IllegalArgumentException("cosine schedule needs 0 <= minRate <= rate, got " + minRate);
        }
        return (progress, total) -> (float) (minRate + (rate - minRate) * 0.5 * (1 + StrictMath.cos(Math.PI * Math.min(1.0, progress / total))));
    }

    private static void positive(float rate) {
        if (!(rate > 0f) || !Float.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, got " + rate);
        }
    }
}
