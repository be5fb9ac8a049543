package org.multios.ipc.channels.pipe;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

import org.multios.ipc.core.posix.AdoptedStream;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The JDK streams of one named-pipe end ({@link AdoptedStream}): reads and writes are the JDK's
 * own calls, not a JNA call each. The JDK reports "would block" only by an exception, which is
 * dear (it fills in a stack trace), so each end first asks the kernel how many bytes the FIFO
 * holds ({@code FIONREAD}, {@link FileInputStream#available()}; a writing end asks through a
 * second stream on a duplicate of its descriptor) and keeps the answer as a hint: a reader
 * reads at most what it knows is there, a writer writes while it knows there is room, and they
 * ask again only when the hint runs out. The hint is no promise (another reader or writer of the
 * FIFO, in any process, may come between): an attempt that fails anyway, or finds nothing, is
 * made again natively, which tells why ({@code EAGAIN}, {@code EPIPE}, end of file). A
 * {@code poll} that found the FIFO readable (or writable) leaves a hint too ({@link #ready}), so
 * the attempt after a wake-up asks the kernel nothing more. Not for
 * concurrent use without the end's own rules: the hints are plain fields, and a lost update
 * only costs one native attempt.
 */
final class FifoStreams {
    private final int fd;
    /** Reads the FIFO (a reading end), or only asks for its depth (a writing end). */
    private final FileInputStream in;
    private final FileOutputStream out;
    private final int capacity;
    /**
     * Bytes known to be readable (reading end; {@link #SOME}: at least one, how many unknown) or
     * known to fit (writing end).
     */
    private int hint;
    /** A reading end's hint after {@code poll} reported the FIFO readable: bytes, count unknown. */
    private static final int SOME = -1;

    private FifoStreams(int fd, FileInputStream in, FileOutputStream out, int capacity) {
        this.fd = fd;
        this.in = in;
        this.out = out;
        this.capacity = capacity;
    }

    /** Takes over a FIFO descriptor opened for reading (closed if this fails). */
    static FifoStreams forReading(int fifoFd) throws IOException {
        AdoptedStream<FileInputStream> in = AdoptedStream.forReading(fifoFd);
        return new FifoStreams(in.fd(), in.stream(), null, 0);
    }

    /** Takes over a FIFO descriptor opened for writing (closed if this fails). */
    static FifoStreams forWriting(int fifoFd) throws IOException {
        int capacity = FifoCalls.pipeSize(fifoFd);
        int probeFd = FifoCalls.duplicate(fifoFd);
        if (probeFd < 0) {
            FifoCalls.close(fifoFd);
            throw new IOException("cannot duplicate the FIFO's descriptor: " + FifoCalls.strerror(-probeFd));
        }
        AdoptedStream<FileInputStream> probe;
        try {
            probe = AdoptedStream.forReading(probeFd);
        } catch (IOException e) {
            FifoCalls.close(fifoFd);
            throw e;
        }
        try {
            AdoptedStream<FileOutputStream> out = AdoptedStream.forWriting(fifoFd);
            return new FifoStreams(out.fd(), probe.stream(), out.stream(), capacity);
        } catch (IOException e) {
            probe.stream().close();
            throw e;
        }
    }

    /** The FIFO's descriptor, for {@code poll}; valid until {@link #close()}. */
    int fd() {
        return fd;
    }

    /**
     * Reads at most {@code len} bytes without waiting.
     *
     * @return the count, 0 at end of file, or the negated errno ({@code EAGAIN}: nothing now)
     */
    int read(byte[] array, int off, int len) {
        int known = hint != 0 ? hint : depth();
        if (known != 0) {
            try {
                int n = in.read(array, off, known == SOME ? len : Math.min(len, known));
                if (n > 0) {
                    hint = known == SOME ? 0 : known - n;
                    return n;
                }
            } catch (IOException takenMeanwhile) {
                // another reader came first: the kernel says what is left
            }
        }
        hint = 0;
        return FifoCalls.read(fd, array, off, null, len);
    }

    /**
     * Writes without waiting: the first {@link FifoCalls#PIPE_BUF} bytes through the JDK stream
     * when they are known to fit (the JDK loses the count of a write that fails half-way; one of
     * at most {@code PIPE_BUF} bytes goes whole or not at all); otherwise, or if that fails, all
     * {@code len} natively (whole if at most {@code PIPE_BUF}, else as many as fit).
     *
     * @return the count or the negated errno ({@code EAGAIN}: no room now; {@code EPIPE}: no
     *         reader)
     */
    int write(byte[] array, int off, int len) {
        int chunk = Math.min(len, FifoCalls.PIPE_BUF);
        int room = hint >= chunk ? hint : capacity - depth();
        if (room >= chunk) {
            try {
                out.write(array, off, chunk);
                hint = room - chunk;
                return chunk;
            } catch (IOException noRoomOrNoReader) {
                // nothing was written: the kernel says why
            }
        }
        hint = 0;
        return FifoCalls.write(fd, array, off, null, len);
    }

    /**
     * {@code poll} reported {@code events} of the FIFO: readable ({@code POLLIN}: at least one
     * byte) or writable ({@code POLLOUT}: a free page of the pipe's buffer, so room for a write of
     * {@link FifoCalls#PIPE_BUF} bytes). Kept as the hint for the next attempt.
     */
    void ready(int events) {
        if (out == null && (events & FifoCalls.POLLIN) != 0 && hint == 0) {
            hint = SOME;
        } else if (out != null && (events & FifoCalls.POLLOUT) != 0 && hint < FifoCalls.PIPE_BUF) {
            hint = FifoCalls.PIPE_BUF;
        }
    }

    /** The bytes in the FIFO now, 0 if that cannot be learnt. */
    private int depth() {
        try {
            return in.available();
        } catch (IOException unknown) {
            return 0;
        }
    }

    /** Closes the streams, and so each descriptor, once. */
    void close() {
        try (FileInputStream i = in; FileOutputStream o = out) {
            // closed by the try
        } catch (IOException ignored) {
            // close(2) failed: the descriptors are released all the same
        }
    }
}
