package org.multios.ipc.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Unix-domain socket peer of the cross-process benchmarks: a child JVM that connects to a
 * socket in a directory of the trial and echoes what it reads. The child is started with the
 * arguments {@code <mode> <socket path> <more...>}.
 */
public final class SocketEcho implements AutoCloseable {
    private final ChildJvm child;
    private final SocketChannel channel;

    private SocketEcho(ChildJvm child, SocketChannel channel) {
        this.child = child;
        this.channel = channel;
    }

    /**
     * Listens on {@code <dir>/echo.sock}, starts {@code main} and waits (bounded) until it has
     * connected; the connection is blocking.
     */
    public static SocketEcho start(Path dir, Class<?> main, List<String> jvmOptions, String mode, String... more)
            throws IOException {
        Path socket = dir.resolve("echo.sock");
        List<String> args = new ArrayList<>(List.of(mode, socket.toString()));
        args.addAll(List.of(more));
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            listener.configureBlocking(false);
            ChildJvm child = ChildJvm.start(main, jvmOptions, dir.resolve("echo-child.log"),
                    args.toArray(String[]::new));
            try {
                SocketChannel channel = child.awaitSign("connect", listener::accept);
                channel.configureBlocking(true);
                return new SocketEcho(child, channel);
            } catch (IOException | RuntimeException e) {
                child.close();
                throw e;
            }
        }
    }

    /** The connection to the child. */
    public SocketChannel channel() {
        return channel;
    }

    /** A failure of a round trip, with the child's exit status and output. */
    public IllegalStateException failure(IOException cause) {
        IllegalStateException x = child.failure("socket round trip failed");
        x.addSuppressed(cause);
        return x;
    }

    /** Closes the connection, then ends the child. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            child.close();
        }
    }
}
