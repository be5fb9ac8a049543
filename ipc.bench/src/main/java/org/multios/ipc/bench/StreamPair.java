package org.multios.ipc.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One direction of a blocking JDK byte stream in one process, the peer of the project's pipes
 * and queues: an OS pipe ({@link Pipe java.nio.channels.Pipe}, {@code pipe(2)} on Linux) or a
 * connected pair of Unix-domain {@link SocketChannel}s (kernel socket buffers).
 */
public final class StreamPair implements AutoCloseable {
    private final WritableByteChannel out;
    private final ReadableByteChannel in;

    private StreamPair(WritableByteChannel out, ReadableByteChannel in) {
        this.out = out;
        this.in = in;
    }

    /** An OS pipe: its sink is the writing end, its source the reading end. */
    public static StreamPair osPipe() throws IOException {
        Pipe pipe = Pipe.open();
        return new StreamPair(pipe.sink(), pipe.source());
    }

    /** A Unix-domain socket pair connected through {@code peer.sock} in {@code dir}: the connecting end writes. */
    public static StreamPair unixSocket(Path dir) throws IOException {
        SocketChannel[] pair = socketPair(dir.resolve("peer.sock"));
        return new StreamPair(pair[0], pair[1]);
    }

    /**
     * Connects a blocking Unix-domain socket pair through a listener bound at {@code path}
     * (removed again once connected).
     *
     * @return the connecting end and the accepted end
     */
    public static SocketChannel[] socketPair(Path path) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
            try {
                SocketChannel server = listener.accept();
                return new SocketChannel[] {client, server};
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** The writing end. */
    public WritableByteChannel out() {
        return out;
    }

    /** The reading end. */
    public ReadableByteChannel in() {
        return in;
    }

    /** Closes the writing end, without throwing: unblocks a writer stuck on a failed reader. */
    public void closeOut() {
        Trial.closeQuietly(out);
    }

    /** Closes the reading end, without throwing: unblocks a reader when the trial stops. */
    public void closeIn() {
        Trial.closeQuietly(in);
    }

    @Override
    public void close() {
        closeOut();
        closeIn();
    }
}
