package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
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
}
