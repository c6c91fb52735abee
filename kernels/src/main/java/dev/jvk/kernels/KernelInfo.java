package dev.jvk.kernels;

/**
 * What the kernels run on in this JVM.
 *
 * @param implementation {@code "vector"} (Vector API) or {@code "scalar"} (the reference kernels)
 * @param vectorBits     the species width the vector kernels use; 0 for scalar
 * @param gemmThreads    threads GEMM uses (see {@link Gemm#setThreads(int)})
 * @param jdk            the running JDK's version and VM
 * @param reason         why the fast path is off; {@code ""} when it is on
 */
public record KernelInfo(String implementation, int vectorBits, int gemmThreads, String jdk, String reason) {

    /** One line for people, e.g. {@code jvk vector 512-bit, 2 GEMM threads, JDK 25.0.3 (OpenJDK 64-Bit Server VM)}. */
    @Override
    public String toString() {
        String impl = vectorBits > 0 ? implementation + " " + vectorBits + "-bit" : implementation;
        String line = "jvk " + impl + ", " + gemmThreads + " GEMM thread" + (gemmThreads == 1 ? "" : "s") + ", JDK " + jdk;
        return reason.isEmpty() ? line : line + " — " + reason;
    }
}
