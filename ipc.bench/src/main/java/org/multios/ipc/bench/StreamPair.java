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
 *
 * @param out the writing end
 * @param in  the reading end
 */
public record StreamPair(WritableByteChannel out, ReadableByteChannel in) implements AutoCloseable {
    /** The kinds of stream, each opened in a trial's root directory. */
    public enum Kind {
        /** {@link #osPipe()}. */
        OS_PIPE("os-pipe"),
        /** {@link #unixSocket(Path)}. */
        UNIX_SOCKET("unix-socket");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Opens a stream of this kind, a socket's file (if any) in {@code dir}. */
        public StreamPair open(Path dir) throws IOException {
            return this == OS_PIPE ? osPipe() : unixSocket(dir);
        }

        /** The kind in thread names: {@code os-pipe}, {@code unix-socket}. */
        public String label() {
            return label;
        }
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
