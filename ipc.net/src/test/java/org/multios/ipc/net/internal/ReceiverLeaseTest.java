package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.FrameType;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.net.internal.stream.StreamConnection;

/**
 * A blocking receiver reads its socket itself and holds a lease on reading for a while after
 * each call, during which the reactor leaves the socket alone. What arrives after the receiver
 * stopped calling (the peer's BYE) is read when the lease ends, not at the reactor's next
 * deadline tick: the test's reactor ticks once an hour, so a lease that only a tick ends would
 * leave the BYE unread for the whole test.
 */
@Timeout(60)
class ReceiverLeaseTest extends NetTestSupport {
    /** Ticks that never come within the test; a lease long enough that the BYE surely arrives inside it. */
    private static final Reactor.Timing HOURLY_TICK = new Reactor.Timing(Duration.ofHours(1), Duration.ofSeconds(2));
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void thePeersByeAfterTheLastReceiveIsReadWhenTheLeaseEndsNotAtTheNextTick() throws Exception {
        NetService net = context(NetSettings.DEFAULTS, HOURLY_TICK).service(NetService.class);
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                Connection client = net.connect(listener.endpoint(), ConnectOptions.DEFAULTS);
                Connection accepted = listener.accept(WAIT)) {
            CountDownLatch ended = new CountDownLatch(1);
            ((StreamConnection) accepted).onEnd(ended::countDown);
            byte[] buf = new byte[16];
            MessageInfo info = new MessageInfo();
            // Precondition: a receive that took a frame already queued, without waiting, so that its
            // lease runs on after it returned (a receive that parks ends its lease).
            boolean leaseRuns = false;
            for (int attempt = 0; attempt < 1000 && !leaseRuns; attempt++) {
                client.send(FrameType.DEFAULT, new byte[] {1}, 0, 1, 0);
                client.send(FrameType.DEFAULT, new byte[] {2}, 0, 1, 0);
                accepted.receive(buf, 0, buf.length, info, WAIT);
                assertThat(buf[0]).isEqualTo((byte) 1);
                long waits = waits(accepted);
                accepted.receive(buf, 0, buf.length, info, WAIT);
                assertThat(buf[0]).isEqualTo((byte) 2);
                leaseRuns = waits(accepted) == waits;
            }
            assertThat(leaseRuns).as("a receive took a queued frame without waiting").isTrue();

            client.close(); // its BYE comes while the accepted side's lease runs

            assertThat(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the accepted side read the peer's BYE once the receiver's lease ended").isTrue();
            assertThat(accepted.isConnected()).isFalse();
            assertThat(reactorFaults()).isZero();
        }
    }

    private static long waits(Connection c) {
        return c.info().statistics().get(Counter.WAITS);
    }
}
