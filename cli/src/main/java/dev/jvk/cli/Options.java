package dev.jvk.cli;

import dev.jvk.kernels.Gemm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks shared by the commands' options, made before anything is read or written. */
final class Options {
    private Options() {}

    /** Sets GEMM's threads: at least 1 and at most the available processors (more only slows the kernels down). */
    static void setThreads(Integer threads) {
        if (threads == null) {
            return;
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > processors) {
            throw new UsageException("--threads must be between 1 and the " + processors + " available processor" + (processors == 1 ? "" : "s") + ", got " + threads);
        }
        Gemm.setThreads(threads);
    }

    /**
     * Standard input can be read once: two options naming {@code -} would leave the second an empty file, or take a
     * CSV file for a model. {@code optionsAndFiles} pairs an option's name with its file (null when not given).
     */
    static void standardInputOnce(Object... optionsAndFiles) {
        List<String> readers = new ArrayList<>();
        for (int i = 0; i < optionsAndFiles.length; i += 2) {
            Object file = optionsAndFiles[i + 1];
            if (file != null && file.toString().equals("-")) {
                readers.add(optionsAndFiles[i] + " -");
            }
        }
        if (readers.size() > 1) {
            throw new UsageException(String.join(" and ", readers) + " both read standard input, which can be read once: give one of them a file");
        }
    }

    /**
     * That the output {@code file} of {@code option} is none of the inputs ({@code optionsAndFiles}: an option's name, then its
     * file or null), which writing it would replace: a training file replaced by a model, or a model by predictions.
     *
     * @param written what {@code option} writes, for the message ("the model", "the predictions")
     */
    static void notAnInput(Path file, String option, String written, Object... optionsAndFiles) {
        if (file == null || !Files.exists(file)) {
            return;
        }
        for (int i = 0; i < optionsAndFiles.length; i += 2) {
            Object input = optionsAndFiles[i + 1];
            if (input == null || input.toString().equals("-")) {
                continue;
            }
            Path path = Path.of(input.toString());
            try {
                if (Files.exists(path) && Files.isSameFile(file, path)) {
                    throw new UsageException(option + " " + file + " is the " + optionsAndFiles[i] + " file; it would be replaced by " + written);
                }
            } catch (IOException e) {
                // unreadable: the reading itself will say so
            }
        }
    }

    /**
     * That no two outputs name one file ({@code optionsAndFiles}: an option's name, then the file it writes or null): the
     * second written would replace the first, a model by its learning curves, with nothing said. Paths are compared as the
     * file system resolves them ({@code a/../m.jvk}, a link to a folder), for files that do not exist yet through their folder.
     */
    static void distinctOutputs(Object... optionsAndFiles) {
        for (int i = 0; i < optionsAndFiles.length; i += 2) {
            for (int j = i + 2; j < optionsAndFiles.length; j += 2) {
                Path a = (Path) optionsAndFiles[i + 1];
                Path b = (Path) optionsAndFiles[j + 1];
                if (a != null && b != null && resolved(a).equals(resolved(b))) {
                    throw new UsageException(optionsAndFiles[i] + " " + a + " and " + optionsAndFiles[j] + " " + b
                            + " both name one file; the second written would replace the first");
                }
            }
        }
    }

    /** {@code file} as the file system resolves it: its real path, or its folder's real path and its name when it does not exist. */
    private static Path resolved(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            if (Files.exists(absolute)) {
                return absolute.toRealPath();
            }
            Path dir = absolute.getParent();
            return dir != null && Files.isDirectory(dir) && absolute.getFileName() != null ? dir.toRealPath().resolve(absolute.getFileName()) : absolute;
        } catch (IOException e) {
            return absolute;
        }
    }

    /** That {@code file} can be created or replaced: its folder exists and is writable, and it is not a folder. */
    static void checkWritable(Path file, String option) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException(option + " " + file + ": the folder " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + " is a folder");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException(option + " " + file + ": the folder " + dir + " is not writable");
        }
    }

    /**
     * {@link #checkWritable}, not {@code -}, and not a device or FIFO: a model file replaces only a regular file ({@code AtomicFiles}), and
     * would say so only once training or compressing is done.
     */
    static void checkModelTarget(Path file, String option) {
        if (file.toString().equals("-")) {
            // "-" reads standard input everywhere in jvk; a model written to a file named so would be read back from it
            throw new UsageException(option + " -: a model is written to a file, not to standard output; give a file name (./- for a file named -)");
        }
        checkWritable(file, option);
        checkReplaceable(file, option, "a model");
    }

    /** That {@code file}, if it exists, is a regular file (or a link to one): {@code AtomicFiles} replaces no other, and would say so only at the end. */
    static void checkReplaceable(Path file, String option, String what) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UsageException(option + " " + file + ": not a regular file (a device or FIFO); " + what + " replaces only a regular file");
        }
    }
}
