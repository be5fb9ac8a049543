package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.PeerReader;

import jdk.net.UnixDomainPrincipal;

/**
 * Who the peer of a Unix connection is, read before its handshake, by the server (the client's
 * user) and by the client (the listener's user, checked at an absolute path): the JDK names the
 * uid and gid of {@code SO_PEERCRED}, which asks the name service (LDAP, sssd may take seconds),
 * so the reads run off the reactor thread, which serves every socket.
 */
@Timeout(60)
class AcceptedUnixPeerTest extends NetTestSupport {

    /**
     * Reads as the kernel records, but the first read of a server's (a client's) socket waits
     * until released (at most 30 s): a client's socket has the listener's path as its remote
     * address, a server's an unnamed one.
     */
    private static final class FirstReadHangs implements PeerReader {
        private final CountDownLatch reading = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);
        private final List<String> readers = new CopyOnWriteArrayList<>();
        private final boolean clients;

        FirstReadHangs(boolean clients) {
            this.clients = clients;
        }

        @Override
        public UnixDomainPrincipal read(SocketChannel channel) throws IOException {
            readers.add(Thread.currentThread().getName());
            boolean client = !((java.net.UnixDomainSocketAddress) channel.getRemoteAddress()).getPath().toString().isEmpty();
            if (client == clients && first.compareAndSet(true, false)) {
                reading.countDown();
                try {
                    if (!released.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("the name service did not answer");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            return PeerReader.SO_PEERCRED.read(channel);
        }
    }

    @Test
    void aPeerWhoseUserTheNameServiceIsSlowToNameStallsNoOtherConnection() throws Exception {
        NetService net = context(NetSettings.DEFAULTS).service(NetService.class);
        FirstReadHangs reader = new FirstReadHangs(false);
        netMechanism().peerReader(reader);
        ConnectOptions patient = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(30));
        ConnectOptions quick = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(5));
        ExecutorService slow = Executors.newSingleThreadExecutor(r -> new Thread(r, "slow peer"));
        try (Listener listener = net.listen(Endpoint.unix("served"))) {
            Future<Connection> first = slow.submit(() -> net.connect(listener.endpoint(), patient));
            assertThat(reader.reading.await(30, TimeUnit.SECONDS)).as("the first peer's user is being read").isTrue();

            try (Connection second = net.connect(listener.endpoint(), quick);
                    Connection served = listener.accept(Duration.ofSeconds(10))) {
                assertCarriesAFrame(second, served);
            }

            reader.released.countDown();
            try (Connection c = first.get(30, TimeUnit.SECONDS);
                    Connection served = listener.accept(Duration.ofSeconds(10))) {
                assertThat(served.peer().user()).as("the first peer, once read").isEqualTo(LocalIdentity.user());
            }
        } finally {
            reader.released.countDown();
            slow.shutdownNow();
        }
        assertThat(reader.readers).as("each connection's server and client").hasSize(4)
                .allMatch(t -> t.startsWith("ipc-net-peer-"), "a reader thread");
        assertThat(reactorFaults()).isZero();
    }

    /**
     * A client connecting to an absolute path checks who listens there before it sends a byte
     * ({@code ListenerOwner}); while the name service hangs naming that listener's user, another
     * connection, here to the same listener, goes through. Before, the client read the
     * credentials on the reactor thread: the second connection timed out.
     */
    @Test
    void aListenerWhoseUserTheNameServiceIsSlowToNameStallsNoOtherConnection() throws Exception {
        NetService net = context(NetSettings.DEFAULTS).service(NetService.class);
        FirstReadHangs reader = new FirstReadHangs(true);
        netMechanism().peerReader(reader);
        ConnectOptions patient = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(30));
        ConnectOptions quick = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(5));
        ExecutorService slow = Executors.newSingleThreadExecutor(r -> new Thread(r, "slow listener"));
        java.nio.file.Path folder = java.nio.file.Files.createDirectory(root.resolve("abs"));
        try (Listener listener = net.listen(Endpoint.unix(folder.resolve("l.sock").toString()))) {
            Future<Connection> first = slow.submit(() -> net.connect(listener.endpoint(), patient));
            assertThat(reader.reading.await(30, TimeUnit.SECONDS)).as("the listener's user is being read").isTrue();

            try (Connection second = net.connect(listener.endpoint(), quick);
                    Connection served = listener.accept(Duration.ofSeconds(10))) {
                assertCarriesAFrame(second, served);
                assertThat(second.peer().user()).as("the listener's user, as read").isEqualTo(LocalIdentity.user());
            }

            reader.released.countDown();
            try (Connection c = first.get(30, TimeUnit.SECONDS)) {
                assertThat(c.peer().user()).isEqualTo(LocalIdentity.user());
            }
        } finally {
            reader.released.countDown();
            slow.shutdownNow();
        }
        assertThat(reactorFaults()).isZero();
    }
}
