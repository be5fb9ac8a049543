package org.multios.ipc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh IPC root for one benchmark trial, on /dev/shm where it exists (or under a directory
 * the trial names), removed afterwards.
 */
public final class BenchRoot implements AutoCloseable {
    private final Path path;

    /** Makes the directory. */
    public BenchRoot() {
        try {
            Path shm = Path.of("/dev/shm");
            path = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "ipc-bench-")
                    : Files.createTempDirectory("ipc-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the directory under {@code parent}: for trials that bind Unix sockets by name in the
     * root, whose paths must stay short (108 bytes with the terminating NUL).
     */
    public BenchRoot(Path parent) {
        try {
            path = Files.createTempDirectory(parent, "ipcb");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
