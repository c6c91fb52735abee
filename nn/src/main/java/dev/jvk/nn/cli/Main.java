package dev.jvk.nn.cli;

import dev.jvk.kernels.Kernels;

/** The {@code jvk} command line: {@code info}, {@code train}, {@code evaluate}, {@code bench}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println(Kernels.info());
    }
}
