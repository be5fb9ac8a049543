package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.bridge.BridgeDescriptor;
import org.multios.ipc.net.internal.bridge.BridgeHooks;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Issue #16 item 2 through a bridge: the file of an exported queue truncated by another process
 * while the bridge's handle maps it. The bridge worker that serves the next request gets
 * CORRUPTED and answers it with that error (the peer's call fails with CORRUPTED, not a timeout);
 * later requests fail at once the same way; the bridge workers live on and serve another exported
 * queue. Before, the worker's InternalError ended the request without an answer.
 */
@Timeout(60)
class TruncatedBridgedQueueTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);

    @Test
    void aBridgedQueueTruncatedUnderItsMappingAnswersCorruptedAndTheBridgeKeepsServing() throws IOException {
        IpcContext ctx = context();
        MessageQueueService queues = ctx.service(MessageQueueService.class);
        queues.create("orders", QueueOptions.of(128, 64).withMode(0666));
        MessageQueue other = queues.create("other", QueueOptions.of(128, 64).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("orders", Endpoint.tcp(0), OPEN);
                Bridge otherBridge = net.exportQueue("other", Endpoint.tcp(0), OPEN);
                MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "orders", ConnectOptions.DEFAULTS)) {
            remote.send(new byte[] { 1 }, 0, 1, 1);
            try (FileChannel ch = FileChannel.open(root.resolve("queue").resolve("orders"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }

            assertIpcError(IpcError.CORRUPTED, () -> remote.send(new byte[] { 2 }, 0, 1, 1));
            assertIpcError(IpcError.CORRUPTED,
                    () -> remote.receive(new byte[128], 0, 128, new MessageInfo(), Duration.ofSeconds(20)));

            try (MessageQueue remoteOther = net().openRemoteQueue(otherBridge.endpoint(), "other",
                    ConnectOptions.DEFAULTS)) {
                remoteOther.send(new byte[] { 3 }, 0, 1, 1);
                assertThat(other.receive(new byte[128], 0, 128, null, Duration.ofSeconds(20))).isEqualTo(1);
            }
        }
    }

    /**
     * On Java 17 HotSpot may throw the fault of an access to a truncated mapping only at the
     * thread's next call into the VM, after the handle's operation returned: in the bridge
     * worker's own code. The hook stands for that moment: the file is truncated and HotSpot's
     * InternalError is thrown in the worker after the RECEIVE took its message. The peer's call
     * is answered CORRUPTED (before, it was never answered and timed out), so is its next one, and
     * no Error escapes the worker (before, it ended the worker thread).
     */
    @Test
    void aMappingFaultThatSurfacesInTheWorkerAfterTheOperationIsAnsweredCorruptedAndTheWorkerLives()
            throws Exception {
        IpcContext ctx = context();
        MessageQueueService queues = ctx.service(MessageQueueService.class);
        MessageQueue local = queues.create("late", QueueOptions.of(128, 64).withMode(0666));
        local.send(new byte[] { 1 }, 0, 1, 1);
        NetService net = ctx.service(NetService.class);
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        try (Bridge bridge = net.exportQueue("late", Endpoint.tcp(0), OPEN);
                MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "late", ConnectOptions.DEFAULTS)) {
            ((BridgeServer) bridge).hooks(new BridgeHooks() {
                @Override
                public void beforeReply(int op, int id) {
                    if (op == BridgeDescriptor.OP_RECEIVE && worker.compareAndSet(null, Thread.currentThread())) {
                        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> escaped.set(e));
                        truncate("late");
                        throw new InternalError("a fault occurred in a recent unsafe memory access operation in "
                                + "compiled Java code");
                    }
                }
            });

            IpcException first = catchThrowableOfType(
                    () -> remote.receive(new byte[128], 0, 128, new MessageInfo(), Duration.ofSeconds(20)),
                    IpcException.class);
            assertThat(first.error()).as(first.getMessage()).isEqualTo(IpcError.CORRUPTED);
            assertThat(first.getMessage()).contains("queue 'late'").contains("fault in an access to its mapping");
            assertIpcError(IpcError.CORRUPTED, () -> remote.send(new byte[] { 2 }, 0, 1, 1));
        }
        Thread t = worker.get();
        assertThat(t).as("a worker ran the RECEIVE").isNotNull();
        t.join(TimeUnit.SECONDS.toMillis(30)); // the bridge closed: its idle workers end
        assertThat(escaped.get()).as("no Error escaped the worker").isNull();
    }

    /**
     * Bridge workers are shared by every connection of a bridge server, so a late fault that
     * surfaces in one may be another object's: the connection's handle stays open and the
     * operation's reply (here the message it took) goes out.
     */
    @Test
    void aFaultOfAnotherObjectsMappingInAWorkerLeavesTheHandleOpenAndTheMessageDelivered() throws Exception {
        IpcContext ctx = context();
        MessageQueueService queues = ctx.service(MessageQueueService.class);
        MessageQueue local = queues.create("healthy", QueueOptions.of(128, 64).withMode(0666));
        local.send(new byte[] { 7 }, 0, 1, 1);
        NetService net = ctx.service(NetService.class);
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        try (Bridge bridge = net.exportQueue("healthy", Endpoint.tcp(0), OPEN);
                MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "healthy", ConnectOptions.DEFAULTS)) {
            ((BridgeServer) bridge).hooks(new BridgeHooks() {
                @Override
                public void beforeReply(int op, int id) {
                    if (op == BridgeDescriptor.OP_RECEIVE && worker.compareAndSet(null, Thread.currentThread())) {
                        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> escaped.set(e));
                        // the file of the exported queue is whole: the fault is another mapping's
                        throw new InternalError("a fault occurred in a recent unsafe memory access operation in "
                                + "compiled Java code");
                    }
                }
            });

            byte[] into = new byte[128];
            MessageInfo info = new MessageInfo();
            assertThat(remote.receive(into, 0, 128, info, Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(into[0]).isEqualTo((byte) 7);
            remote.send(new byte[] { 8 }, 0, 1, 1);
            assertThat(local.receive(into, 0, 128, info, Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(into[0]).isEqualTo((byte) 8);
        }
        assertThat(worker.get()).as("a worker ran the RECEIVE").isNotNull();
        assertThat(escaped.get()).as("no Error escaped the worker").isNull();
    }

    private void truncate(String queue) {
        try (FileChannel ch = FileChannel.open(root.resolve("queue").resolve(queue), StandardOpenOption.WRITE)) {
            ch.truncate(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
