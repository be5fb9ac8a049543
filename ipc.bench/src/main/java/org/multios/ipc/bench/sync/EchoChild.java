package org.multios.ipc.bench.sync;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.ChildSide;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SyncService;

/**
 * The echo side of {@link ProcessPingPong}, run in a child JVM:
 * <ul>
 * <li>{@code semaphore <ipc-root> <ping> <pong>}: opens the two named semaphores, posts
 * {@code pong} once to say it is ready, then answers every post of {@code ping} with a post of
 * {@code pong};</li>
 * <li>{@code socket <socket-path>}: connects to the Unix-domain socket and writes back every
 * byte it reads, until the socket closes.</li>
 * </ul>
 * The child ends when its standard input closes (the parent closed it, or died), so it never
 * outlives the benchmark.
 */
public final class EchoChild {
    private EchoChild() {
    }

    /** Runs the echo loop; exits with 2 on bad arguments, 1 on failure. */
    public static void main(String[] args) throws Exception {
        ChildSide.endWithParent("echo-child-stdin-watcher");
        if (args.length == 4 && args[0].equals("semaphore")) {
            semaphores(Path.of(args[1]), args[2], args[3]);
        } else if (args.length == 2 && args[0].equals("socket")) {
            socket(Path.of(args[1]));
        } else {
            System.err.println("usage: EchoChild semaphore <ipc-root> <ping> <pong> | socket <socket-path>");
            System.exit(2);
        }
    }

    private static void semaphores(Path root, String pingName, String pongName) {
        try (IpcContext ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()))) {
            SyncService sync = ipc.service(SyncService.class);
            Semaphore ping = sync.openSemaphore(pingName);
            Semaphore pong = sync.openSemaphore(pongName);
            pong.release();
            while (true) {
                ping.acquire();
                pong.release();
            }
        }
    }

    private static void socket(Path path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1);
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    Runtime.getRuntime().halt(0);
                }
                buffer.flip();
                channel.write(buffer);
            }
        }
    }
}
