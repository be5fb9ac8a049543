package org.multios.ipc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * What every echo child JVM of the cross-process benchmarks does alike, on the child's side of
 * {@link ChildJvm}: it ends when its standard input closes (the parent closed it, or died), so it
 * never outlives the benchmark, and its socket peer echoes length-prefixed messages.
 */
public final class ChildSide {
    private ChildSide() {
    }

    /**
     * Starts a daemon thread of that name that halts this JVM when standard input closes; the
     * child's main method calls this first.
     */
    public static void endWithParent(String threadName) {
        Thread watcher = new Thread(ChildSide::haltWhenStdinCloses, threadName);
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void haltWhenStdinCloses() {
        InputStream in = System.in;
        try {
            while (in.read() >= 0) {
                // nothing is sent; wait for end of stream
            }
        } catch (IOException ignored) {
            // treated as closed
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * Connects to the Unix-domain socket and writes back every length-prefixed message of at
     * most {@code maxSize} bytes it reads ({@link Frames}); halts this JVM when the socket closes.
     */
    public static void echoFrames(Path socket, int maxSize) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Frames.Reader reader = new Frames.Reader(channel);
            Frames.Writer writer = new Frames.Writer(channel, maxSize);
            byte[] buffer = new byte[maxSize];
            while (true) {
                int n = reader.read(buffer);
                if (n < 0) {
                    Runtime.getRuntime().halt(0);
                }
                writer.write(buffer, 0, n);
            }
        }
    }
}
