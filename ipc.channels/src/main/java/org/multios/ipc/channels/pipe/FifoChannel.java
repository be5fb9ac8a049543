package org.multios.ipc.channels.pipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import org.multios.ipc.core.posix.AdoptedStream;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * A JDK {@link FileChannel} on one open file of a named-pipe end ({@link AdoptedStream}): reads
 * and writes are the JDK's own calls, one {@code read(2)} or {@code write(2)} each. On a
 * non-blocking descriptor the channel reports "nothing now" as a count of 0, without an
 * exception; on a blocking one the call sleeps in the kernel, and closing the channel wakes it
 * (the JDK signals the threads inside it and waits until they have left the call).
 *
 * <p>A channel closes itself when a thread inside it (or entering it) is interrupted. The
 * descriptor it owned is then gone, but not the end's open file, which the end keeps by a
 * descriptor of its own: the next call makes a new channel ({@code descriptors} gives its
 * descriptor), until {@link #close()}. A call cut short by an interrupt or a closing reports what
 * moved (the buffer's position tells it even when the JDK throws) or {@code -EINTR}.
 *
 * <p>Bytes on the Java heap go through a direct buffer of the channel's own ({@value #STAGING}
 * bytes, taken by one call at a time; a call that finds it taken lets the JDK copy at most as many
 * through its per-thread buffer, which the JDK keeps), so that a transfer allocates nothing and no
 * thread keeps a buffer the size of a large transfer.
 */
final class FifoChannel {
    /** The channel could not say (none could be made, or an I/O error): nothing moved, ask the kernel. */
    static final int FAILED = Integer.MIN_VALUE;
    /** Bytes of the direct buffer that heap bytes go through: at least {@code PIPE_BUF}. */
    static final int STAGING = 4 * FifoCalls.PIPE_BUF;

    private final boolean forWriting;
    private final IntSupplier descriptors;
    private volatile FileChannel channel;
    /** Guarded by this: once set, no channel is made again. */
    private boolean closed;
    private final AtomicBoolean stagingTaken = new AtomicBoolean();
    private ByteBuffer staging;

    /**
     * @param forWriting  whether the descriptors are opened for writing
     * @param descriptors makes a descriptor of the end's open file for a new channel (which owns
     *                    it): the descriptor, or the negated errno
     */
    FifoChannel(boolean forWriting, IntSupplier descriptors) {
        this.forWriting = forWriting;
        this.descriptors = descriptors;
    }

    /**
     * Reads at most {@code len} bytes into {@code array} at {@code off}, or writes {@code len} bytes
     * from it; or, when {@code array} is null, into or from {@code buffer} at its position,
     * advancing it ({@code len} is its remaining). One call of the kernel, sleeping if the
     * descriptor is blocking.
     *
     * @return the count; 0 at end of file; {@code -EAGAIN} (non-blocking: nothing now);
     *         {@code -EINTR} (cut short, nothing moved: the caller is interrupted, or the channel
     *         was closed); or {@link #FAILED}
     */
    int transfer(byte[] array, int off, ByteBuffer buffer, int len) {
        FileChannel c = channel();
        if (c == null) {
            return FAILED;
        }
        if (array == null && buffer.isDirect()) {
            return call(c, buffer);
        }
        if (!stagingTaken.compareAndSet(false, true)) {
            return unstaged(c, array, off, buffer, Math.min(len, STAGING));
        }
        try {
            return staged(c, array, off, buffer, len);
        } finally {
            stagingTaken.set(false);
        }
    }

    private int staged(FileChannel c, byte[] array, int off, ByteBuffer buffer, int len) {
        ByteBuffer s = staging;
        if (s == null) {
            s = ByteBuffer.allocateDirect(STAGING);
            staging = s;
        }
        int chunk = Math.min(len, STAGING);
        s.clear().limit(chunk);
        if (forWriting) {
            if (array != null) {
                s.put(0, array, off, chunk);
            } else {
                s.put(0, buffer, buffer.position(), chunk);
            }
        }
        int n = call(c, s);
        if (n > 0) {
            if (array == null) {
                if (!forWriting) {
                    buffer.put(buffer.position(), s, 0, n);
                }
                buffer.position(buffer.position() + n);
            } else if (!forWriting) {
                s.get(0, array, off, n);
            }
        }
        return n;
    }

    /**
     * Heap bytes handed to the JDK as they are, at most {@code chunk} of them: the JDK copies them
     * through a temporary direct buffer of that size, which it keeps for the thread.
     */
    private int unstaged(FileChannel c, byte[] array, int off, ByteBuffer buffer, int chunk) {
        if (array != null) {
            return call(c, ByteBuffer.wrap(array, off, chunk));
        }
        int n = call(c, buffer.slice(buffer.position(), chunk));
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    private int call(FileChannel c, ByteBuffer b) {
        int start = b.position();
        try {
            int n = forWriting ? c.write(b) : c.read(b);
            return n > 0 ? n : n < 0 ? 0 : -FifoCalls.EAGAIN;
        } catch (ClosedChannelException cutShort) {
            // closed by an interrupt (ClosedByInterruptException, AsynchronousCloseException) or by close()
            int moved = b.position() - start;
            return moved > 0 ? moved : -FifoCalls.EINTR;
        } catch (IOException failed) {
            int moved = b.position() - start;
            return moved > 0 ? moved : FAILED;
        }
    }

    /** Makes the first channel now; false if none can be made (the descriptor it was given is closed). */
    boolean start() {
        return channel() != null;
    }

    /** The open channel, made anew if an interrupt closed the last one; null once closed or if none can be made. */
    private FileChannel channel() {
        FileChannel c = channel;
        return c != null && c.isOpen() ? c : remake();
    }

    private synchronized FileChannel remake() {
        FileChannel c = channel;
        if (closed || c != null && c.isOpen()) {
            return closed ? null : c;
        }
        channel = null;
        int fd = descriptors.getAsInt();
        if (fd < 0) {
            return null;
        }
        try {
            c = forWriting ? AdoptedStream.forWriting(fd).stream().getChannel()
                    : AdoptedStream.forReading(fd).stream().getChannel();
        } catch (IOException e) {
            return null; // the descriptor is closed: calls go natively, or wait by poll
        }
        channel = c;
        return c;
    }

    /**
     * Closes the channel for good: a call inside it returns at once ({@code -EINTR} if nothing
     * moved), and this returns once none is inside it.
     */
    synchronized void close() {
        closed = true;
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // close(2) failed: the descriptor is released all the same
            }
        }
    }
}
