/**
 * The kernel interfaces: every kernel an implementation must provide, one interface per family.
 * {@code simd} and {@code gemm} implement them with the Vector API, {@code reference} in plain
 * scalar Java; {@code dev.jvk.kernels.Dispatch} picks one implementation of each, once. Because
 * both implementations implement the same interfaces, the compiler (not a test) checks that
 * neither lacks a kernel. Depends on nothing. Not exported.
 */
package dev.jvk.kernels.spi;
