package org.multios.ipc.net.internal.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/**
 * Datagrams the kernel drops because a socket's receive buffer is full are counted in its
 * {@link Counter#ERRORS}, as {@link DatagramOptions} documents: every datagram sent on the
 * loopback interface is either received or counted. Linux only (where the kernel shows the
 * drops per socket).
 */
@Timeout(30)
class UdpKernelDropTest {
    private static final int SENT = 200;
    private static final int SIZE = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PosixCaller owner = new PosixCaller(LocalIdentity.currentProcess(), new QuotaLedger("test", Map.of()));
    private final SessionGate session = new SessionGate("the network service of the test");
    private final List<UdpEndpoint> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(UdpEndpoint::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void datagramsDroppedByAFullReceiveBufferAreCountedAsErrors(String loopback) {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "per-socket drops are shown by Linux only");
        UdpEndpoint receiver;
        try {
            receiver = open(loopback, new DatagramOptions(SIZE, SIZE, false)); // room for a few only
        } catch (IpcException e) {
            Assumptions.abort("no loopback " + loopback + ": " + e.getMessage());
            return;
        }
        UdpEndpoint sender = open(loopback, DatagramOptions.DEFAULTS);
        for (int i = 0; i < SENT; i++) {
            sender.send(receiver.localEndpoint(), ByteBuffer.allocate(SIZE));
        }

        long received = 0;
        ByteBuffer into = ByteBuffer.allocate(SIZE);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received + errors(receiver) < SENT && System.nanoTime() < deadline) {
            try {
                into.clear();
                receiver.receive(into, Duration.ofMillis(50)); // the kernel may still be queueing
                received++;
            } catch (IpcException e) {
                assertThat(e.error()).isEqualTo(IpcError.TIMEOUT);
            }
        }

        long dropped = errors(receiver);
        assertThat(dropped).as("dropped by the kernel, with %d received", received).isPositive();
        assertThat(received + dropped).as("received %d + counted as dropped %d", received, dropped)
                .isEqualTo(SENT);
        receiver.close();
        assertThat(errors(receiver)).as("the count after close").isEqualTo(dropped);
    }

    private UdpEndpoint open(String host, DatagramOptions options) {
        UdpEndpoint e = UdpEndpoint.open(opened.size() + 1, Endpoint.udp(host, 0), options, owner, session,
                new Grant(Rights.READ_WRITE));
        opened.add(e);
        return e;
    }

    private static long errors(UdpEndpoint endpoint) {
        return endpoint.statistics().get(Counter.ERRORS);
    }
}
