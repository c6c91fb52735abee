/**
 * Spark ML stages on jvk: {@link dev.jvk.spark.JvkMlpClassifier} trains a jvk MLP data-parallel over
 * a DataFrame's partitions, {@link dev.jvk.spark.JvkMlpClassificationModel} scores a partition at a
 * time with one jvk model per task. Spark is provided by the cluster; see {@code docs/spark.md}.
 */
package dev.jvk.spark;
