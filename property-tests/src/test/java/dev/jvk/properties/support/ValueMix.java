package dev.jvk.properties.support;

/** Kinds of values a test array is filled with (see {@link Samples}). */
public enum ValueMix {
    /** Moderate magnitudes (2^-8 .. 2^9), some zeros of both signs; nothing overflows. */
    ORDINARY,
    /** Every exponent of the type, subnormals, ±0, MIN_VALUE and ±MAX_VALUE; no NaN or infinity. */
    WIDE,
    /** Ordinary values with NaN, ±Infinity, ±0 and ±MAX_VALUE mixed in. */
    SPECIAL,
    /** Few distinct values (±0, ±1, ±2, -Infinity, 3 copies of ties) so that maxima repeat and zeros tie. */
    TIES,
    /** Magnitudes near the top of the range, where squares and exponentials overflow. */
    HUGE,
    /** Subnormals and magnitudes near the bottom of the range, where squares underflow. */
    TINY
}
