package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jdk.net.UnixDomainPrincipal;

/**
 * Learns who the peers of accepted Unix connections are off the reactor thread: reading
 * {@code SO_PEERCRED} asks the name service ({@link PeerReader}), which may take seconds under
 * LDAP or sssd, and the reactor serves every socket. {@value #THREADS} threads read; at most
 * {@value #WAITING} connections wait for them, beyond which a connection is refused at once. A name
 * service that hangs thus holds the connections of the users it hangs on, up to that bound, and
 * never the reactor.
 */
final class PeerCredentials {
    /** Threads that read credentials. */
    static final int THREADS = 2;
    /** Connections that may wait for a reader thread. */
    static final int WAITING = 256;

    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadPoolExecutor readers;
    private volatile PeerReader reader = PeerReader.SO_PEERCRED;

    PeerCredentials() {
        this(WAITING);
    }

    /** With room for {@code waiting} connections (tests). */
    PeerCredentials(int waiting) {
        readers = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(waiting),
                r -> {
                    Thread t = new Thread(r, "ipc-net-peer-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        readers.allowCoreThreadTimeOut(true);
    }

    /** Reads with {@code changed} from now on (tests: a reader that blocks). */
    void reader(PeerReader changed) {
        this.reader = changed;
    }

    /**
     * Reads the credentials of {@code channel}'s peer in a reader thread and hands them, in that
     * thread, to {@code then}, or what failed to {@code failed}.
     *
     * @return false, with nothing started, if as many connections as there is room for wait already
     */
    boolean read(SocketChannel channel, BiConsumer<SocketChannel, UnixDomainPrincipal> then,
            Consumer<SocketChannel> failed) {
        try {
            readers.execute(new Read(channel, then, failed));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops the reader threads; a connection still waiting for one is closed. */
    void close() {
        for (Runnable waiting : readers.shutdownNow()) {
            ((Read) waiting).abandon();
        }
    }

    /** One connection's read. */
    private final class Read implements Runnable {
        private final SocketChannel channel;
        private final BiConsumer<SocketChannel, UnixDomainPrincipal> then;
        private final Consumer<SocketChannel> failed;

        Read(SocketChannel channel, BiConsumer<SocketChannel, UnixDomainPrincipal> then,
                Consumer<SocketChannel> failed) {
            this.channel = channel;
            this.then = then;
            this.failed = failed;
        }

        @Override
        public void run() {
            UnixDomainPrincipal peer;
            try {
                peer = reader.read(channel);
            } catch (IOException | RuntimeException e) {
                abandon();
                failed.accept(channel);
                return;
            }
            then.accept(channel, peer);
        }

        void abandon() {
            try {
                channel.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }
}
