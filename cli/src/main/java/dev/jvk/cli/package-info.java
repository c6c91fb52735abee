/**
 * The {@code jvk} command line behind {@code ./jvk}: {@code info}, {@code train}, {@code evaluate}
 * (picocli). Bad data or options end with one line on stderr and exit code 2.
 */
package dev.jvk.cli;
