package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How a {@link FramedSocket}'s bytes cross its socket: as they are ({@link PlainLink}) or in
 * TLS records ({@link TlsLink}). Never waits. Reads come from one thread at a time (the
 * inbound's read lock), writes from one thread at a time (the outbound's write lock).
 */
interface SocketLink {
    /** Moves received bytes into {@code dst}; -1 once the peer's side ended and nothing is left. */
    int read(ByteBuffer dst) throws IOException;

    /** Whether a {@link #read} may return bytes that the socket does not signal any more. */
    boolean hasBufferedInput();

    /** Takes bytes of {@code src} for the peer; returns how many it took. */
    int write(ByteBuffer src) throws IOException;

    /** Whether bytes taken wait for the socket (or the link has a record of its own to send). */
    boolean wantsWrite();

    /** Ends this side's sending once everything taken was written. */
    void shutdownOutput() throws IOException;
}
