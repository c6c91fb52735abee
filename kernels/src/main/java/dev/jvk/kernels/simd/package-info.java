/**
 * Vector API implementations of the elementwise kernels, BLAS-1 operations, reductions and softmax
 * (GEMM's are in {@code dev.jvk.kernels.gemm}). Not exported: reached only through the public entry
 * points, after their argument checks, by way of the kernel interfaces of {@code dev.jvk.kernels.spi}.
 * The one package of jvk used here besides those two is {@code gemm}: the low-precision GEMMs run on
 * its float GEMM ({@code WidenedGemm}), and the bf16 GEMV keeps x in its per-thread {@code Workspace}.
 * Species come from {@link dev.jvk.kernels.platform.Platform.Species}, fixed at class initialisation,
 * so the JIT sees them as constants.
 *
 * <h2>What C2 inlines, and why the kernels are written as they are</h2>
 * A Vector API value stays in a register only while C2 compiles every method it passes through into
 * one piece. A call of ours that C2 declines to inline takes or returns a real object: each vector is
 * boxed (an allocation per call; 10-100x slower, and 12-18 KB per 1K floats inside JMH, seen with
 * {@code -prof gc} and {@code -XX:+PrintInlining}). C2 declines in three cases:
 * <ul>
 *   <li>the callee is above 325 bytecodes (FreqInlineSize: "hot method too big");</li>
 *   <li>the callee is hot on its own (called once per vector) and C2 has already compiled it alone
 *       into more than 2500 bytes of code (InlineSmallCode: "already compiled into a big method");</li>
 *   <li>the caller has already parsed about 18000 nodes (NodeCountInliningCutoff; a Vector API
 *       operation costs hundreds), so a call late in a large loop body stays a call. (JDK-8382700
 *       lifts this limit in later JDKs.)</li>
 * </ul>
 * The rules that follow: a lanewise helper of ours ({@code VectorMath.exp}, {@code log},
 * {@code sigmoid(v)}) stays small and is called first in a loop body; a large kernel (softplus, both
 * GELU forms and their backward forms, softmax's exp and lane sum) has its steps written out in its
 * loop body, with no call of ours that takes or returns a vector. The steps of exp, which many
 * kernels need written out, come from one template, {@code kernels/gen/InlineExp.java}, which writes
 * them between {@code GENERATED exp} and {@code END exp} lines; a property test fails when a copy
 * differs from the template. The loops of the elementwise kernels and the reductions' steps over
 * their accumulators are written out the same way, from {@code kernels/gen/Elementwise.java}. GEMM's
 * micro-kernels follow the same rule (the C update written out in each), and so does {@code Sgemv}.
 */
package dev.jvk.kernels.simd;
