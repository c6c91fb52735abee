/**
 * The bottom layer of the kernels: the facts every kernel is built from (vector or scalar, the
 * vector width and species, GEMM's threads and block sizes), fixed once per JVM from system
 * properties and the running JVM. Depends on nothing else in jvk. Not exported.
 */
package dev.jvk.kernels.platform;
