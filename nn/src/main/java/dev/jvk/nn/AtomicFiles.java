package dev.jvk.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How jvk saves a model, in its own format or as ONNX: whole or not at all. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code bytes} to {@code file} so that it appears whole or not at all: the bytes go to a
     * temporary file beside the target (named {@code .NAME.PID.N.tmp}), are forced to disk, and the
     * temporary file is moved over the target. A symbolic link is written through (its target is
     * replaced, the link stays); a target that exists and is not a regular file is refused. The new
     * file has the mode of the file it replaces, or the one the umask gives a new file. The temporary
     * file is removed on every failure, and on exit if the JVM is stopped mid-write; those of a killed
     * run (their process gone) are removed by the next save to the same name.
     *
     * @throws ModelFileException when the target is not a regular file, its folder does not exist, or its symbolic links cannot be followed
     * @throws IOException         when the bytes cannot be written (a full disk): one line naming {@code file}, and whether it was left as it was
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(bytes, "bytes");
        Path target = resolveLinks(file.toAbsolutePath(), file);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFileException(file + ": not a regular file (a folder, device or FIFO); refusing to replace it with a model");
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            // else the temporary file's name would be the one in the NoSuchFileException
            throw new ModelFileException(file + ": the folder " + dir + " does not exist");
        }
        String name = target.getFileName().toString();
        removeStaleTemporaries(dir, name);
        Set<PosixFilePermission> mode = null;
        boolean replacing = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
        if (replacing) {
            try {
                mode = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the new file keeps the default mode
            }
        }
        Path temp;
        try {
            temp = createTemporary(dir, name);
        } catch (IOException e) {
            // a read-only folder or file system: the exception names the temporary file, which the user never asked for
            throw new ModelFileException(file + ": cannot write a file in " + dir + " (" + (e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "it takes no new files" : e.getMessage()) + ")");
        }
        IN_FLIGHT.add(temp);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            } catch (IOException e) {
                // the system's words alone ("No space left on device", "File too large") name neither the file nor the outcome
                throw new IOException(file + ": not written (" + e.getMessage() + "); "
                        + (replacing ? "the file is as it was" : "nothing was written"), e);
            }
            if (mode != null) {
                Files.setPosixFilePermissions(temp, mode);
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(temp);
            } finally {
                IN_FLIGHT.remove(temp);
            }
        }
    }

    /**
     * The temporary files of the saves under way, removed by one shutdown hook if the JVM stops mid-write. Not
     * {@code File.deleteOnExit}, whose list only grows: a process that checkpoints every epoch for weeks would keep
     * one entry per save it ever made.
     */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::removeInFlight, "jvk-unfinished-saves"));
    }

    /** Removes the temporary files of the saves under way (the shutdown hook). */
    static void removeInFlight() {
        for (Path temp : IN_FLIGHT) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // the JVM is stopping: the next save to the same name removes what is left (removeStaleTemporaries)
            }
        }
    }

    /** How many saves are under way (for tests). */
    static int savesUnderWay() {
        return IN_FLIGHT.size();
    }

    /** Follows a chain of symbolic links to the path a write must replace (the last link's target, which may not exist yet). */
    private static Path resolveLinks(Path path, Path file) throws ModelFileException {
        Path p = path;
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == 40) {
                throw new ModelFileException(file + ": too many levels of symbolic links");
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p));
            } catch (IOException e) {
                throw new ModelFileException(file + ": cannot read the symbolic link " + p + " (" + e.getMessage() + ")");
            }
        }
        return p;
    }

    private static final AtomicLong TEMPORARIES = new AtomicLong();

    /** A new, empty temporary file with the default mode (0666 less the umask), named after the target and this process. */
    private static Path createTemporary(Path dir, String name) throws IOException {
        long pid = ProcessHandle.current().pid();
        while (true) {
            Path temp = dir.resolve("." + name + "." + pid + "." + TEMPORARIES.incrementAndGet() + ".tmp");
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                // a name left by an earlier process with the same id: take the next
            }
        }
    }

    /** Removes {@code .NAME.PID.N.tmp} files whose process is gone: what a killed save left behind. */
    private static void removeStaleTemporaries(Path dir, String name) {
        Pattern ours = Pattern.compile("\\." + Pattern.quote(name) + "\\.(\\d{1,19})\\.\\d{1,19}\\.tmp");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + name.replaceAll("[\\\\*?\\[\\]{}]", "?") + ".*.tmp")) {
            for (Path entry : entries) {
                Matcher m = ours.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // cleaning up after another run is a courtesy: a folder that cannot be listed must not stop this save
        }
    }
}
