package org.multios.ipc.core.posix;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands a descriptor opened natively (a FIFO opened with {@code O_NOFOLLOW} and checked, see
 * {@link FifoCalls#open}) to a JDK {@link FileInputStream} or {@link FileOutputStream}, so that
 * reads and writes go through the JDK's own native calls rather than a JNA call each. Only the
 * JDK can make a {@link java.io.FileDescriptor}, so the JDK opens a placeholder (a fresh memory
 * file, through {@code /proc/self/fd}), its descriptor number is found in {@code /proc/self/fd},
 * and {@code dup3} puts the native descriptor's open file in that number's place. The open file
 * stays the same: its flags ({@code O_NONBLOCK}) and identity are those the native open gave.
 *
 * <p>What the JDK then guarantees (OpenJDK 17 and 25, {@code io_util.c}): a read or write is one
 * {@code read(2)} / {@code write(2)} retried on {@code EINTR} and never interrupted by
 * {@link Thread#interrupt()}; a read returns -1 when the call returned 0 and throws an
 * {@link IOException} when it failed (for a non-blocking descriptor with nothing to read:
 * {@code EAGAIN}); a write of more bytes than one call takes loops, and throws when a call fails
 * (losing the count of the bytes already written: write at most {@link FifoCalls#PIPE_BUF}
 * bytes at a time to a non-blocking pipe, which the kernel writes whole or not at all);
 * {@code close()} closes the number once (the stream's descriptor marks itself closed first, and
 * its cleaner is dropped), so the number is closed exactly once, by the stream. The stream's
 * {@link java.nio.channels.FileChannel} ({@code getChannel()}) works on the same number (one
 * {@code read(2)} or {@code write(2)} per call; "would block" is a count of 0, not an exception)
 * and closes the stream when it closes, as it does when a thread inside it is interrupted.
 *
 * @param <S> the stream
 * @param stream the stream that owns the descriptor now: close it to close the descriptor
 * @param fd     the descriptor's number, for calls the JDK does not make ({@code poll}); valid
 *               until the stream is closed
 */
public record AdoptedStream<S extends Closeable>(S stream, int fd) {
    private static final String PLACEHOLDER_PREFIX = "multios-adopt-";

    /** Opens a placeholder of the JDK's at a path. */
    @FunctionalInterface
    private interface Opener<S> {
        S open(String path) throws IOException;
    }

    /**
     * Adopts {@code fd} into an input stream. The native descriptor is closed whatever happens.
     *
     * @throws IOException if the placeholder cannot be made or found, or {@code dup3} fails
     */
    public static AdoptedStream<FileInputStream> forReading(int fd) throws IOException {
        return adopt(fd, FileInputStream::new);
    }

    /**
     * Adopts {@code fd} into an output stream. The native descriptor is closed whatever happens.
     *
     * @throws IOException if the placeholder cannot be made or found, or {@code dup3} fails
     */
    public static AdoptedStream<FileOutputStream> forWriting(int fd) throws IOException {
        return adopt(fd, FileOutputStream::new);
    }

    private static <S extends Closeable> AdoptedStream<S> adopt(int fd, Opener<S> opener) throws IOException {
        // named after the adopting thread (ids are never reused; one thread adopts one descriptor at
        // a time): another thread's placeholder, open while this one looks, never has this name
        int memfd = FifoCalls.memfd(PLACEHOLDER_PREFIX + Thread.currentThread().getId() + "-" + fd);
        S stream = null;
        try {
            if (memfd < 0) {
                throw new IOException("cannot make a placeholder file: " + FifoCalls.strerror(-memfd));
            }
            Path placeholder = Path.of("/proc/self/fd/" + memfd);
            Path target = Files.readSymbolicLink(placeholder);
            stream = opener.open(placeholder.toString());
            int number = numberOf(target, memfd);
            int r = FifoCalls.dup3(fd, number);
            if (r < 0) {
                throw new IOException("dup3 onto descriptor " + number + ": " + FifoCalls.strerror(-r));
            }
            AdoptedStream<S> adopted = new AdoptedStream<>(stream, number);
            stream = null;
            return adopted;
        } finally {
            FifoCalls.close(fd);
            FifoCalls.close(memfd);
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** The descriptor, other than {@code except}, that links to {@code target}. */
    private static int numberOf(Path target, int except) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                int n;
                try {
                    n = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException notADescriptor) {
                    continue;
                }
                if (n == except) {
                    continue;
                }
                Path link;
                try {
                    link = Files.readSymbolicLink(p);
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (link.equals(target)) {
                    return n;
                }
            }
        }
        throw new IOException("the JDK's descriptor of " + target + " is not in /proc/self/fd");
    }
}
