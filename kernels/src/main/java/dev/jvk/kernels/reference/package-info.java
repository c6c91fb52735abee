/**
 * Scalar reference kernels: the fallback where the Vector API cannot run, and the twin the vector
 * kernels are checked against. Written to be obviously right, not fast. Same signatures as the
 * public entry points, without argument checks: call them through the public classes, or check
 * arguments yourself.
 */
package dev.jvk.kernels.reference;
