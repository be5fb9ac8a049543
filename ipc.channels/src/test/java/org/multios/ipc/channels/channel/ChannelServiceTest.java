package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;

/** The channel service in one JVM: directions, order, the three forms, closing, limits and bad input. */
@Timeout(60)
class ChannelServiceTest extends ChannelTestSupport {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(MessagePort port, String text, int priority) {
        byte[] b = bytes(text);
        port.send(b, 0, b.length, priority, LONG);
    }

    private static String receive(MessagePort port) {
        byte[] buf = new byte[256];
        int n = port.receive(buf, 0, buf.length, null, LONG);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static int tryReceive(MessagePort port) {
        byte[] buf = new byte[256];
        return port.tryReceive(buf, 0, buf.length, null);
    }

    // ------------------------------------------------------------------ directions and order

    @Test
    void messagesGoBothWays() {
        try (Channel ch = channels().create(4096)) {
            send(ch.endA(), "to b", 0);
            send(ch.endB(), "to a", 0);
            assertThat(ch.endB().pendingMessages()).isEqualTo(1);
            assertThat(receive(ch.endB())).isEqualTo("to b");
            assertThat(receive(ch.endA())).isEqualTo("to a");
            assertThat(tryReceive(ch.endA())).isEqualTo(MessagePort.NO_MESSAGE);
            assertThat(tryReceive(ch.endB())).isEqualTo(MessagePort.NO_MESSAGE);
            assertThat(ch.endA().id()).isEqualTo(ch.id()).isEqualTo(ch.endB().id());
            assertThat(ch.end(ChannelSide.B)).isSameAs(ch.endB());
            assertThat(ch.endA().type()).isEqualTo(ObjectType.CHANNEL);
            assertThat(ch.endA().name()).isEmpty();
            assertThat(ch.endA().rights()).isEqualTo(Rights.ALL);
        }
    }

    @Test
    void higherPrioritiesFirstAndFifoWithinOne() {
        try (Channel ch = channels().create(4096)) {
            send(ch.endA(), "low-1", 1);
            send(ch.endA(), "high-1", 20);
            send(ch.endA(), "low-2", 1);
            send(ch.endA(), "top", 31);
            send(ch.endA(), "high-2", 20);
            send(ch.endA(), "zero", 0);
            MessageInfo info = new MessageInfo();
            byte[] buf = new byte[64];
            int n = ch.endB().receive(buf, 0, buf.length, info, LONG);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("top");
            assertThat(info.priority()).isEqualTo(31);
            assertThat(info.length()).isEqualTo(3);
            assertThat(info.senderPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(receive(ch.endB())).isEqualTo("high-1");
            assertThat(receive(ch.endB())).isEqualTo("high-2");
            assertThat(receive(ch.endB())).isEqualTo("low-1");
            assertThat(receive(ch.endB())).isEqualTo("low-2");
            assertThat(receive(ch.endB())).isEqualTo("zero");
        }
    }

    @Test
    void byteBuffersAndEmptyMessages() {
        try (Channel ch = channels().create(4096)) {
            ByteBuffer src = ByteBuffer.wrap(bytes("xxhelloyy"));
            src.position(2).limit(7);
            ch.endB().send(src, 3);
            assertThat(src.position()).isEqualTo(7);
            ch.endB().send(new byte[0], 0, 0, 0);
            ByteBuffer dst = ByteBuffer.allocateDirect(16);
            assertThat(ch.endA().receive(dst, null, LONG)).isEqualTo(5);
            assertThat(dst.position()).isEqualTo(5);
            dst.flip();
            byte[] got = new byte[5];
            dst.get(got);
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(ch.endA().tryReceive(ByteBuffer.allocate(1), null)).isZero();
        }
    }

    @Test
    void tooSmallReceiveBufferLeavesTheMessageQueued() {
        try (Channel ch = channels().create(4096)) {
            send(ch.endA(), "a longer message", 5);
            MessageInfo info = new MessageInfo();
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> ch.endB().receive(new byte[4], 0, 4, info, LONG));
            assertThat(info.length()).isEqualTo(16);
            assertThat(info.priority()).isEqualTo(5);
            assertThat(receive(ch.endB())).isEqualTo("a longer message");
        }
    }

    // ------------------------------------------------------------------ full, try and timed forms

    @Test
    void aDirectionIsFullAtItsBufferSizeInBytes() {
        try (Channel ch = channels().create(10)) {
            byte[] four = new byte[4];
            assertThat(ch.endA().trySend(four, 0, 4, 0)).isTrue();
            assertThat(ch.endA().trySend(four, 0, 4, 0)).isTrue();
            assertThat(ch.endA().trySend(four, 0, 4, 0)).isFalse();
            assertThat(ch.endA().trySend(four, 0, 2, 0)).isTrue();
            assertThat(ch.endA().trySend(four, 0, 1, 0)).isFalse();
            failsWith(IpcError.TIMEOUT, () -> ch.endA().send(four, 0, 1, 0, SHORT));
            failsWith(IpcError.TIMEOUT, () -> ch.endA().send(four, 0, 1, 0, Duration.ZERO));
            failsWith(IpcError.INVALID_ARGUMENT, () -> ch.endA().send(four, 0, 1, 0, Duration.ofSeconds(-1)));
            // the other direction is independent
            assertThat(ch.endB().trySend(four, 0, 4, 0)).isTrue();
            assertThat(ch.endB().receive(new byte[10], 0, 10, null, LONG)).isEqualTo(4);
            assertThat(ch.endA().receive(new byte[10], 0, 10, null, LONG)).isEqualTo(4);
            assertThat(ch.endA().trySend(four, 0, 4, 0)).isTrue();
        }
    }

    @Test
    void aDirectionIsFullAtItsMessageCount() {
        try (Channel ch = channels().create(ChannelOptions.ofBufferSize(1024).withMaxMessages(2))) {
            assertThat(ch.endA().trySend(new byte[1], 0, 1, 0)).isTrue();
            assertThat(ch.endA().trySend(new byte[1], 0, 1, 0)).isTrue();
            assertThat(ch.endA().trySend(new byte[1], 0, 1, 0)).isFalse();
            assertThat(ch.endB().pendingMessages()).isEqualTo(2);
        }
    }

    @Test
    void blockedSenderResumesWhenTheReceiverTakes() throws Exception {
        try (Channel ch = channels().create(8)) {
            ch.endA().send(new byte[8], 0, 8, 0);
            Future<Void> sender = inThread("sender", () -> {
                ch.endA().send(new byte[8], 0, 8, 1);
                return null;
            });
            assertThat(ch.endB().receive(new byte[8], 0, 8, null)).isEqualTo(8);
            sender.get(30, TimeUnit.SECONDS);
            MessageInfo info = new MessageInfo();
            assertThat(ch.endB().receive(new byte[8], 0, 8, info, LONG)).isEqualTo(8);
            assertThat(info.priority()).isEqualTo(1);
        }
    }

    @Test
    void blockedReceiverWakesOnASend() throws Exception {
        try (Channel ch = channels().create(64)) {
            Future<String> receiver = inThread("worker", () -> {
                byte[] buf = new byte[64];
                int n = ch.endA().receive(buf, 0, 64, null);
                return new String(buf, 0, n, StandardCharsets.UTF_8);
            });
            send(ch.endB(), "wake", 0);
            assertThat(receiver.get(30, TimeUnit.SECONDS)).isEqualTo("wake");
            failsWith(IpcError.TIMEOUT, () -> ch.endA().receive(new byte[8], 0, 8, null, SHORT));
        }
    }

    @Test
    void interruptedWaitFailsAndKeepsTheFlag() throws Exception {
        try (Channel ch = channels().create(64)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    ch.endB().receive(new byte[8], 0, 8, null);
                } catch (Throwable e) {
                    failure.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            }, "channel-test-interrupted-receiver");
            t.start();
            t.interrupt();
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(IpcException.class);
            assertThat(((IpcException) failure.get()).error()).isEqualTo(IpcError.INTERRUPTED);
            assertThat(flag.get()).isTrue();
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void closingAnAnonymousEndDrainsThenClosesTheOtherSide() {
        Channel ch = channels().create(4096);
        send(ch.endA(), "one", 0);
        send(ch.endA(), "two", 0);
        ch.endA().close();
        assertThat(ch.endA().isClosed()).isTrue();
        failsWith(IpcError.CLOSED, () -> send(ch.endA(), "x", 0));
        assertThat(ch.endB().isPeerClosed()).isTrue();
        assertThat(ch.endA().isPeerClosed()).isFalse();
        failsWith(IpcError.CLOSED, () -> ch.endB().trySend(new byte[1], 0, 1, 0));
        failsWith(IpcError.CLOSED, () -> send(ch.endB(), "x", 0));
        assertThat(receive(ch.endB())).isEqualTo("one");
        assertThat(receive(ch.endB())).isEqualTo("two");
        failsWith(IpcError.CLOSED, () -> tryReceive(ch.endB()));
        failsWith(IpcError.CLOSED, () -> ch.endB().receive(new byte[8], 0, 8, null));
        failsWith(IpcError.CLOSED, () -> ch.endB().receive(new byte[8], 0, 8, null, LONG));
        ch.close();
        ch.close();
        assertThat(ch.endB().isClosed()).isTrue();
    }

    @Test
    void closingThePeerWakesABlockedReceiverWithClosed() throws Exception {
        try (Channel ch = channels().create(64)) {
            CountDownLatch started = new CountDownLatch(1);
            Future<Throwable> receiver = inThread("worker", () -> {
                started.countDown();
                try {
                    ch.endB().receive(new byte[8], 0, 8, null);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            started.await();
            ch.endA().close();
            Throwable t = receiver.get(30, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(IpcException.class);
            assertThat(((IpcException) t).error()).isEqualTo(IpcError.CLOSED);
        }
    }

    @Test
    void closingAHandleWakesItsBlockedSenderWithClosed() throws Exception {
        Channel ch = channels().create(4);
        ch.endA().send(new byte[4], 0, 4, 0);
        Future<Throwable> sender = inThread("worker", () -> {
            try {
                ch.endA().send(new byte[4], 0, 4, 0);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        ch.endA().close();
        Throwable t = sender.get(30, TimeUnit.SECONDS);
        assertThat(((IpcException) t).error()).isEqualTo(IpcError.CLOSED);
        ch.close();
    }

    @Test
    void releasingTheServiceClosesEverythingAndFreesTheChannels() throws Exception {
        IpcContext c = context(IpcLimits.defaults().with(Limit.CHANNELS, 1));
        ChannelService service = channels(c);
        Channel ch = service.create(64);
        Future<Throwable> receiver = inThread("worker", () -> {
            try {
                ch.endB().receive(new byte[8], 0, 8, null);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        c.close();
        assertThat(((IpcException) receiver.get(30, TimeUnit.SECONDS)).error()).isEqualTo(IpcError.CLOSED);
        failsWith(IpcError.CLOSED, () -> send(ch.endA(), "x", 0));
        ChannelService again = channels(context(IpcLimits.defaults().with(Limit.CHANNELS, 1)));
        again.create(64).close();
    }

    @Test
    void namedChannelsKeepTheirMessagesWhenHandlesClose() {
        ChannelService service = channels();
        ChannelEnd a = service.create("keeper", ChannelOptions.ofBufferSize(1024));
        ChannelEnd b = service.open("keeper", ChannelSide.B);
        send(a, "for b", 2);
        send(b, "for a", 2);
        a.close();
        assertThat(b.isPeerClosed()).isFalse();
        send(b, "more for a", 2);
        assertThat(receive(b)).isEqualTo("for b");
        b.close();
        ChannelEnd a2 = service.open("keeper", ChannelSide.A);
        assertThat(a2.name()).contains("keeper");
        assertThat(a2.pendingMessages()).isEqualTo(2);
        assertThat(receive(a2)).isEqualTo("for a");
        assertThat(receive(a2)).isEqualTo("more for a");
        service.unlink("keeper");
        send(a2, "still works", 0);
        failsWith(IpcError.NOT_FOUND, () -> service.open("keeper", ChannelSide.B));
        service.create("keeper", ChannelOptions.ofBufferSize(64)).close();
        a2.close();
    }

    @Test
    void namedChannelMessagesSurviveTheMechanismClosing() {
        IpcContext first = context();
        ChannelEnd a = channels(first).create("durable", ChannelOptions.ofBufferSize(1024).withMode(0600));
        send(a, "low", 1);
        send(a, "high", 9);
        first.close();
        failsWith(IpcError.CLOSED, () -> send(a, "x", 0));
        ChannelService later = channels(context());
        ChannelEnd b = later.open("durable", ChannelSide.B);
        assertThat(receive(b)).isEqualTo("high");
        assertThat(receive(b)).isEqualTo("low");
        assertThat(b.options().bufferSize()).isEqualTo(1024);
    }

    @Test
    void statisticsAreKeptPerDirection() {
        try (Channel ch = channels().create(4096)) {
            send(ch.endA(), "abc", 0);
            send(ch.endA(), "de", 0);
            send(ch.endB(), "f", 0);
            receive(ch.endB());
            var toB = ch.endB().statistics();
            assertThat(toB.get(Counter.MESSAGES_IN)).isEqualTo(2);
            assertThat(toB.get(Counter.MESSAGES_OUT)).isEqualTo(1);
            assertThat(toB.get(Counter.BYTES_IN)).isEqualTo(5);
            assertThat(toB.get(Counter.BYTES_OUT)).isEqualTo(3);
            assertThat(toB.get(Counter.DEPTH)).isEqualTo(1);
            assertThat(toB.get(Counter.HIGH_WATER_MARK)).isEqualTo(2);
            assertThat(toB.get(Counter.HANDLES)).isEqualTo(1);
            var toA = ch.endA().statistics();
            assertThat(toA.get(Counter.MESSAGES_IN)).isEqualTo(1);
            assertThat(toA.get(Counter.MESSAGES_OUT)).isZero();
            assertThat(toA.get(Counter.DEPTH)).isEqualTo(1);
            assertThat(ch.endA().info().type()).isEqualTo(ObjectType.CHANNEL);
            assertThat(ch.endA().info().persistent()).isFalse();
        }
    }

    // ------------------------------------------------------------------ limits

    @Test
    void theChannelLimitCountsNamedAndAnonymousChannels() {
        ChannelService service = channels(context(IpcLimits.defaults().with(Limit.CHANNELS, 2)));
        Channel one = service.create(64);
        ChannelEnd two = service.create("two", ChannelOptions.ofBufferSize(64));
        IpcException e = failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create(64));
        assertThat(e.getMessage()).contains("channels.max");
        failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create("three", ChannelOptions.ofBufferSize(64)));
        one.close();
        Channel three = service.create(64);
        failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create(64));
        service.unlink("two");
        two.close();
        service.create(64).close();
        three.close();
    }

    @Test
    void bufferAndMessageSizeLimitsApply() {
        ChannelService service = channels(context(IpcLimits.defaults().with(Limit.BUFFER_SIZE, 1024)
                .with(Limit.MESSAGE_SIZE, 100)));
        assertThat(failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create(2048)).getMessage())
                .contains("buffer.size.max");
        assertThat(failsWith(IpcError.LIMIT_EXCEEDED,
                () -> service.create(ChannelOptions.ofBufferSize(1024).withMaxMessageSize(200))).getMessage())
                .contains("message.size.max");
        service.create(ChannelOptions.ofBufferSize(1024).withMaxMessageSize(100)).close();
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejected() {
        ChannelService service = channels();
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create(0));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create(-5));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create((ChannelOptions) null));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("ok", null));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("bad/name", ChannelOptions.defaults()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("..", ChannelOptions.defaults()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("", ChannelOptions.defaults()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("x".repeat(201), ChannelOptions.defaults()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("bad name", ChannelSide.A));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("fine", null));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("fine", ChannelSide.A, Rights.NONE));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("fine", ChannelSide.A, 8));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.unlink("a b"));
        failsWith(IpcError.NOT_FOUND, () -> service.open("absent", ChannelSide.A));
        failsWith(IpcError.NOT_FOUND, () -> service.unlink("absent"));
        ChannelEnd dup = service.create("dup", ChannelOptions.ofBufferSize(64));
        try (ChannelEnd again = service.create("dup", ChannelOptions.ofBufferSize(64))) {
            assertThat(again.info().id()).as("a second create opens the channel").isEqualTo(dup.info().id());
        }
        assertThat(failsWith(IpcError.ALREADY_EXISTS, () -> service.create("dup", ChannelOptions.ofBufferSize(128)))
                .getMessage()).contains("channel 'dup'", "buffer size 64, not 128");
        failsWith(IpcError.ALREADY_EXISTS, () -> service.create("dup", ChannelOptions.ofBufferSize(64)
                .withExclusive(true)));
        try (Channel ch = service.create(ChannelOptions.ofBufferSize(64).withMaxMessageSize(8))) {
            ChannelEnd a = ch.endA();
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(new byte[4], 0, 4, -1));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(new byte[4], 0, 4, 32));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(null, 0, 0, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(new byte[4], 2, 3, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(new byte[4], -1, 1, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.trySend((ByteBuffer) null, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.send(new byte[4], 0, 4, 0, null));
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> a.send(new byte[9], 0, 9, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> a.receive(new byte[4], 3, 2, null));
            failsWith(IpcError.INVALID_ARGUMENT,
                    () -> a.tryReceive(ByteBuffer.allocate(4).asReadOnlyBuffer(), null));
            failsWith(IpcError.INVALID_ARGUMENT, () -> ch.end(null));
            assertThat(ch.endB().pendingMessages()).isZero();
        }
    }

    @Test
    void rightsOfAnOpenedEndAreTested() {
        ChannelService service = channels();
        service.create("ro", ChannelOptions.ofBufferSize(64));
        ChannelEnd reader = service.open("ro", ChannelSide.B, Rights.READ);
        if (!Rights.includes(reader.rights(), Rights.WRITE)) {
            failsWith(IpcError.PERMISSION_DENIED, () -> reader.send(new byte[1], 0, 1, 0));
            assertThat(reader.statistics().get(Counter.DENIALS) + service.open("ro", ChannelSide.A)
                    .statistics().get(Counter.DENIALS)).isEqualTo(1);
        }
        assertThat(tryReceive(reader)).isEqualTo(MessagePort.NO_MESSAGE);
    }
}
