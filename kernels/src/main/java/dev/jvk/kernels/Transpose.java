package dev.jvk.kernels;

/** Whether a GEMM operand is used as stored ({@code NO_TRANS}) or transposed ({@code TRANS}). */
public enum Transpose {
    NO_TRANS,
    TRANS
}
