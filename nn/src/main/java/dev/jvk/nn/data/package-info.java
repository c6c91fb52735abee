/**
 * Labelled data sets in memory and the readers that make them: IDX files (MNIST, Fashion-MNIST),
 * numeric CSV, a seeded synthetic set, and feature scaling fitted on training data only.
 */
package dev.jvk.nn.data;
