package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.net.internal.PythonBridgeClient.command;
import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.MAX_CUSTODY;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.PythonBridgeClient.Run;
import org.multios.ipc.net.internal.bridge.BridgeHooks;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Sessions of acknowledged receives (BridgeDescriptor): a RECEIVE reply the socket took and a
 * reset then discarded is neither lost nor duplicated. A Python client written from the wire
 * layouts drives the session; the bridge's hook says when the reply was written whole.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class BridgeSessionTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);
    private static final long SAFETY_SECONDS = 15;
    private static final String SESSION = "8070450532247928831";

    private PythonBridgeClient python;

    @AfterEach
    void stopScripts() {
        if (python != null) {
            python.close();
        }
    }

    @Test
    void aReceiveReplyDiscardedByAResetIsDeliveredOnceWhenTheSessionResumes() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "inbox", "m");
        CountDownLatch written = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, Endpoint.unix("inbox-bridge"), written)) {
            Run client = python.start(bridge, "session", "inbox", SESSION);
            assertThat(command(client, "open")).isEqualTo("opened 0");
            assertThat(command(client, "receive")).isEqualTo("asked 2");
            assertThat(written.await(SAFETY_SECONDS, TimeUnit.SECONDS)).as("the reply was written").isTrue();
            // The reply sits unread in the client's socket: the reset discards it.
            assertThat(command(client, "reset")).isEqualTo("reset");
            assertThat(command(client, "open")).isEqualTo("opened 1");
            assertThat(command(client, "receive")).isEqualTo("asked 4");
            assertThat(command(client, "read")).isEqualTo("message m");
            assertThat(command(client, "ack")).isEqualTo("acked 1");
            assertThat(command(client, "end")).isEqualTo("ended 0");
            assertThat(command(client, "bye")).isEqualTo("bye");
            assertThat(local.attributes().currentMessages()).as("no copy left in the queue").isZero();
            assertThat(((BridgeServer) bridge).sessionCount()).isZero();
        }
    }

    @Test
    void aSessionThatIsNotResumedWithinItsGracePutsItsMessageBackInTheQueue() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "inbox", "m");
        CountDownLatch written = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, Endpoint.unix("inbox-bridge"), written)) {
            ((BridgeServer) bridge).sessionGrace(Duration.ofMillis(50));
            Run client = python.start(bridge, "session", "inbox", SESSION);
            assertThat(command(client, "open")).isEqualTo("opened 0");
            assertThat(command(client, "receive")).isEqualTo("asked 2");
            assertThat(written.await(SAFETY_SECONDS, TimeUnit.SECONDS)).as("the reply was written").isTrue();
            assertThat(command(client, "reset")).isEqualTo("reset");
            byte[] buf = new byte[64];
            int n = local.receive(buf, 0, buf.length, null, Duration.ofSeconds(SAFETY_SECONDS));
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("m");
            assertThat(((BridgeServer) bridge).sessionCount()).as("the expired session is gone").isZero();
            assertThat(command(client, "open")).as("a later open starts a new session").isEqualTo("opened 0");
        }
    }

    @Test
    void anotherPeerCannotResumeASessionItDoesNotOwn() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "inbox", "m");
        try (Bridge bridge = export(ctx, Endpoint.tcp(0), new CountDownLatch(1))) {
            Run owner = python.start(bridge, "session", "inbox", SESSION, "127.0.0.1");
            assertThat(command(owner, "open")).isEqualTo("opened 0");
            assertThat(command(owner, "receive")).isEqualTo("asked 2");
            assertThat(command(owner, "read")).isEqualTo("message m");
            Run thief = python.start(bridge, "session", "inbox", SESSION, "127.0.0.2");
            assertThat(command(thief, "open")).isEqualTo("error " + IpcError.PERMISSION_DENIED.code());
            // The owner's connection was not taken over and its custody was not touched.
            assertThat(command(owner, "ack")).isEqualTo("acked 1");
            assertThat(command(owner, "end")).isEqualTo("ended 0");
            assertThat(local.attributes().currentMessages()).isZero();
        }
    }

    @Test
    void aSessionHoldsAtMostItsLimitOfUnacknowledgedMessagesAndTakesNothingBeyond() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("inbox",
                QueueOptions.of(16, MAX_CUSTODY).withMode(0666));
        for (int i = 0; i < MAX_CUSTODY; i++) {
            send(local, Integer.toString(i));
        }
        try (Bridge bridge = export(ctx, Endpoint.unix("inbox-bridge"), new CountDownLatch(1))) {
            Run client = python.start(bridge, "session", "inbox", SESSION);
            assertThat(command(client, "open")).isEqualTo("opened 0");
            for (int i = 0; i < MAX_CUSTODY; i++) {
                command(client, "receive");
                assertThat(command(client, "read")).isEqualTo("message " + i);
            }
            send(local, Integer.toString(MAX_CUSTODY));
            command(client, "receive");
            assertThat(command(client, "read")).as("one more than the custody holds")
                    .isEqualTo("error " + IpcError.LIMIT_EXCEEDED.code());
            assertThat(local.attributes().currentMessages()).as("the refused receive took nothing").isOne();
            assertThat(command(client, "ack")).isEqualTo("acked " + MAX_CUSTODY);
            command(client, "receive");
            assertThat(command(client, "read")).isEqualTo("message " + MAX_CUSTODY);
            assertThat(command(client, "ack")).isEqualTo("acked 1");
            assertThat(command(client, "end")).isEqualTo("ended 0");
        }
    }

    @Test
    void aRemoteHandleWhoseConnectionWasCutSettlesItsSessionWhenClosed() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "inbox", "m");
        ListenOptions idle = OPEN.withIdleTimeout(Duration.ofMillis(200));
        try (Bridge bridge = ctx.service(NetService.class).exportQueue("inbox", Endpoint.unix("inbox-bridge"), idle)) {
            BridgeServer server = (BridgeServer) bridge;
            server.sessionGrace(Duration.ofHours(1));
            MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "inbox", ConnectOptions.DEFAULTS);
            byte[] buf = new byte[64];
            int n = remote.receive(buf, 0, buf.length, null);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("m");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
            while (bridge.connectionCount() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThat(bridge.connectionCount()).as("the idle timeout cut the handle's connection").isZero();
            assertThat(server.sessionCount()).as("the session waits for its grace").isOne();
            remote.close();
            assertThat(server.sessionCount()).as("closing settled it over a new connection").isZero();
            assertThat(local.attributes().currentMessages()).as("nothing put back: the handle had it").isZero();
        }
    }

    private static MessageQueue queue(IpcContext ctx, String name, String message) {
        MessageQueue q = ctx.service(MessageQueueService.class).create(name, QueueOptions.of(64, 16).withMode(0666));
        send(q, message);
        return q;
    }

    private static void send(MessageQueue q, String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        q.send(b, 0, b.length, 0);
    }

    /** Exports the queue "inbox"; {@code written} counts down when a reply held in custody was written whole. */
    private Bridge export(IpcContext ctx, Endpoint at, CountDownLatch written) {
        Bridge bridge = ctx.service(NetService.class).exportQueue("inbox", at, OPEN);
        ((BridgeServer) bridge).hooks(new BridgeHooks() {
            @Override
            public void heldReplyWritten(int id) {
                written.countDown();
            }
        });
        return bridge;
    }
}
