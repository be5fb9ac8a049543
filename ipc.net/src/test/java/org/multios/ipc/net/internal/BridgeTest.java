package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

@Timeout(60)
class BridgeTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);

    @Test
    void aRemoteQueueBehavesAsTheLocalOne() {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("orders", QueueOptions.of(128, 16));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("orders", Endpoint.unix("orders-bridge"), OPEN);
                MessageQueue remote = net().openRemoteQueue(Endpoint.unix("orders-bridge"), "orders",
                        ConnectOptions.DEFAULTS)) {
            remote.send(bytes("low"), 0, 3, 1);
            remote.send(bytes("high"), 0, 4, 9);
            assertThat(remote.attributes().currentMessages()).isEqualTo(2);
            byte[] buf = new byte[128];
            MessageInfo info = new MessageInfo();
            assertThat(local.receive(buf, 0, buf.length, info)).isEqualTo(4);
            assertThat(info.priority()).isEqualTo(9);
            assertThat(new String(buf, 0, 4, StandardCharsets.UTF_8)).isEqualTo("high");
            local.send(bytes("reply"), 0, 5, 2);
            assertThat(remote.receive(buf, 0, buf.length, info, Duration.ofSeconds(5))).isEqualTo(5);
            assertThat(info.priority()).isEqualTo(2);
            assertThat(info.senderPid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aRemoteClaimIsSentAtItsCommitAndTheNextStartsAsZeros() {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("claims", QueueOptions.of(128, 16));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("claims", Endpoint.unix("claims-bridge"), OPEN);
                MessageQueue remote = net().openRemoteQueue(Endpoint.unix("claims-bridge"), "claims",
                        ConnectOptions.DEFAULTS)) {
            MessageClaim first = remote.tryClaim(6, 3);
            first.putBytes(0, bytes("secret"), 0, 6);
            first.commit();
            MessageClaim second = remote.tryClaim(6, 3);
            byte[] seen = new byte[6];
            second.getBytes(0, seen, 0, 6);
            second.abort();

            assertThat(seen).as("the second claim's bytes").containsOnly(0);
            byte[] buf = new byte[128];
            assertThat(local.receive(buf, 0, buf.length, null, Duration.ofSeconds(5))).isEqualTo(6);
            assertThat(new String(buf, 0, 6, StandardCharsets.UTF_8)).isEqualTo("secret");
            assertThat(local.tryReceive(buf, 0, buf.length, null)).as("the aborted claim sent nothing")
                    .isEqualTo(MessageQueue.NO_MESSAGE);
        }
    }

    /** A receive in place through a bridge waits for the message and hands a copy of it to the handler. */
    @Test
    void aRemoteReceiveInPlaceWaitsAndHandsTheMessageOver() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("in-place", QueueOptions.of(128, 16));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("in-place", Endpoint.unix("in-place-bridge"), OPEN);
                MessageQueue remote = net().openRemoteQueue(Endpoint.unix("in-place-bridge"), "in-place",
                        ConnectOptions.DEFAULTS)) {
            assertIpcError(IpcError.TIMEOUT, () -> remote.receive((m, info) -> { }, Duration.ZERO));
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread receiver = new Thread(() -> {
                try {
                    remote.receive((m, info) -> {
                        byte[] b = new byte[m.length()];
                        m.getBytes(0, b, 0, b.length);
                        got.complete(new String(b, StandardCharsets.UTF_8) + "@" + info.priority());
                    });
                } catch (RuntimeException e) {
                    got.completeExceptionally(e);
                }
            }, "remote-receiver-in-place");
            receiver.start();
            local.send(bytes("hello"), 0, 5, 6);
            assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo("hello@6");
            receiver.join(20_000);
            assertIpcError(IpcError.INVALID_ARGUMENT, () -> remote.receive((MessageHandler) null));
        }
    }

    @Test
    void aMessageTooLargeForTheBufferStaysToBeReceived() {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("big", QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("big", Endpoint.tcp(0), OPEN);
                MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "big", ConnectOptions.DEFAULTS)) {
            local.send(bytes("0123456789"), 0, 10, 4);
            MessageInfo info = new MessageInfo();
            assertIpcError(IpcError.MESSAGE_TOO_LARGE, () -> remote.receive(new byte[4], 0, 4, info));
            assertThat(info.length()).isEqualTo(10);
            byte[] buf = new byte[16];
            assertThat(remote.receive(buf, 0, 16, info)).isEqualTo(10);
            assertThat(new String(buf, 0, 10, StandardCharsets.UTF_8)).isEqualTo("0123456789");
            assertThat(remote.tryReceive(buf, 0, 16, info)).isEqualTo(MessageQueue.NO_MESSAGE);
            assertIpcError(IpcError.TIMEOUT, () -> remote.receive(buf, 0, 16, info, Duration.ofMillis(50)));
            assertIpcError(IpcError.MESSAGE_TOO_LARGE, () -> remote.send(new byte[129], 0, 129, 0));
            assertIpcError(IpcError.UNSUPPORTED, () -> remote.register(q -> { }));
        }
    }

    @Test
    void peersGetNoMoreThanTheExportersHandle() {
        IpcContext ctx = context();
        ctx.service(MessageQueueService.class).create("ro", QueueOptions.of(64, 4).withMode(0444));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("ro", Endpoint.tcp(0), OPEN)) {
            assertIpcError(IpcError.PERMISSION_DENIED,
                    () -> net().openRemoteQueue(bridge.endpoint(), "ro", ConnectOptions.DEFAULTS));
            assertIpcError(IpcError.NOT_FOUND,
                    () -> net().openRemoteQueue(bridge.endpoint(), "other", ConnectOptions.DEFAULTS));
        }
    }

    @Test
    void aRemoteChannelSideTalksToTheLocalSide() {
        IpcContext ctx = context();
        ChannelEnd a = ctx.service(ChannelService.class).create("chat", ChannelOptions.defaults().withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportChannel("chat", Endpoint.tcp(0), OPEN);
                ChannelEnd b = net().openRemoteChannel(bridge.endpoint(), "chat", ChannelSide.B,
                        ConnectOptions.DEFAULTS)) {
            a.send(bytes("ping"), 0, 4, 0);
            byte[] buf = new byte[16];
            MessageInfo info = new MessageInfo();
            assertThat(b.receive(buf, 0, 16, info)).isEqualTo(4);
            b.send(bytes("pong"), 0, 4, 0);
            assertThat(a.receive(buf, 0, 16, info)).isEqualTo(4);
            assertThat(b.side()).isEqualTo(ChannelSide.B);
            assertThat(b.rights()).isEqualTo(Rights.READ_WRITE);
        }
    }

    @Test
    void closingTheBridgeClosesRemoteHandles() {
        IpcContext ctx = context();
        ctx.service(MessageQueueService.class).create("gone", QueueOptions.of(64, 4).withMode(0666));
        NetService net = ctx.service(NetService.class);
        Bridge bridge = net.exportQueue("gone", Endpoint.tcp(0), OPEN);
        MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "gone", ConnectOptions.DEFAULTS);
        bridge.close();
        assertIpcError(IpcError.CLOSED, () -> remote.receive(new byte[64], 0, 64, new MessageInfo()));
        assertThat(Set.of(bridge.isClosed())).containsExactly(true);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
