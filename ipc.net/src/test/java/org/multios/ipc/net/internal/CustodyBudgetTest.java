package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.RawBridgePeer.RawFrame;
import org.multios.ipc.net.internal.bridge.BridgeDescriptor;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * A peer with read rights opens sessions and receives without ever acknowledging: the messages
 * it takes stay in the bridge's heap (custody). 256 per session, 64 sessions per identity and
 * 4096 per bridge were the only bounds; now the bridge keeps at most its connections' output
 * budgets together (at least one full session) for all its sessions.
 */
@Timeout(60)
class CustodyBudgetTest extends NetTestSupport {
    private static final int MESSAGE = 1000;
    private static final ListenOptions SMALL = ListenOptions.DEFAULTS.withRequireAuthentication(false)
            .withSocketMode(0666).withMaxFrameSize(1024).withMaxConnections(4).withBufferBytes(4096);

    @Test
    void sessionsThatNeverAcknowledgeKeepNoMoreThanTheBridgesBudget() throws Exception {
        IpcContext ctx = context();
        MessageQueue q = ctx.service(MessageQueueService.class).create("inbox",
                QueueOptions.of(MESSAGE, 256).withMode(0666));
        try (Bridge bridge = ctx.service(NetService.class).exportQueue("inbox", Endpoint.tcp("127.0.0.1", 0), SMALL)) {
            BridgeServer server = (BridgeServer) bridge;
            server.sessionGrace(Duration.ZERO);
            int port = Integer.parseInt(bridge.endpoint().toString().replaceAll(".*:", ""));
            long limit = server.custodyBytes()[1];
            try (RawBridgePeer a = new RawBridgePeer(port, 0); RawBridgePeer b = new RawBridgePeer(port, 0)) {
                fill(q);
                List<Integer> first = receiveAll(a, 1);
                assertThat(first).as("one full session fits whatever the budget").hasSize(256);
                fill(q);
                List<Integer> second = receiveAll(b, 2);
                long[] kept = server.custodyBytes();
                System.out.println("custody of 2 sessions: " + (first.size() + second.size()) + " messages, "
                        + kept[0] + " bytes kept, limit " + kept[1]);
                assertThat(kept[0]).as("bytes kept for the sessions").isLessThanOrEqualTo(limit);
                assertThat(second).as("the second session is refused once the budget is spent").hasSizeLessThan(256);

                // acknowledging frees the budget: the second session receives again
                a.ack(9000, first.get(0));
                a.flush();
                assertThat(a.read().type()).isEqualTo(BridgeDescriptor.REPLY_OK);
                b.receive(9001, MESSAGE, 0);
                b.flush();
                assertThat(b.read().type()).isEqualTo(BridgeDescriptor.REPLY_OK);
            }
            long end = System.nanoTime() + 20_000_000_000L;
            while (server.custodyBytes()[0] != 0 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(server.custodyBytes()[0]).as("sessions ended: nothing kept").isZero();
            assertThat(q.attributes().currentMessages()).as("every unacknowledged message went back").isEqualTo(256);
        }
    }

    private static void fill(MessageQueue q) {
        byte[] m = new byte[MESSAGE];
        while (q.trySend(m, 0, m.length, 0)) {
            // until full
        }
    }

    /** Opens a session and receives one message at a time until refused or 256 are held: their request ids. */
    private static List<Integer> receiveAll(RawBridgePeer peer, long session) throws Exception {
        peer.openSession(1, "inbox", session);
        peer.flush();
        assertThat(peer.read().type()).isEqualTo(BridgeDescriptor.REPLY_OK);
        List<Integer> held = new ArrayList<>();
        for (int id = 2; held.size() < 256; id++) {
            peer.receive(id, MESSAGE, 0);
            peer.flush();
            RawFrame r = peer.read();
            if (r.type() != BridgeDescriptor.REPLY_OK) {
                assertThat(r.errorCode()).as(r.errorText()).isEqualTo(IpcError.LIMIT_EXCEEDED.code());
                System.out.println("refused: " + r.errorText());
                break;
            }
            held.add(id);
        }
        return held;
    }
}
