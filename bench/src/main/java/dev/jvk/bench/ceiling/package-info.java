/**
 * The ceilings every report compares against, measured in the same run as the kernels: the
 * peak FMA throughput of the Vector API per vector width, and STREAM copy/triad bandwidth.
 */
package dev.jvk.bench.ceiling;
