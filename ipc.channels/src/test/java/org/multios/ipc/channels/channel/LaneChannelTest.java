package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PortFiles;
import org.multios.ipc.spi.ChildProcesses;

/**
 * What a channel of lanes does that one with priorities does not ({@link ChannelOptions#lane()}):
 * messages in the order sent, whatever their priority; its own layout version, which opening by
 * name keeps and a create asking for the other kind is told; and a process SIGKILLed holding a
 * side (a claim open, a handler reading in place) holds nobody up once it is dead, nothing it
 * did not publish is seen, and the message it was reading is not delivered again. The
 * operations both kinds share run in the {@code Lane...Test} subclasses of the channel tests.
 */
@Timeout(120)
class LaneChannelTest extends ChannelTestSupport {
    private static final ChannelOptions LANES = ChannelOptions.ofBufferSize(4096).withMaxMessageSize(64).withLane(true);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChannelChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    private static void send(ChannelEnd end, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        end.send(b, 0, b.length, priority, WAIT);
    }

    private static String receive(ChannelEnd end, MessageInfo info) {
        byte[] b = new byte[64];
        int n = end.receive(b, 0, b.length, info, WAIT);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void messagesComeInTheOrderSentWithTheirPriorities() {
        try (Channel ch = channels().create(LANES)) {
            send(ch.endA(), "low", 0);
            send(ch.endA(), "high", 31);
            send(ch.endA(), "middle", 5);
            MessageInfo info = new MessageInfo();
            assertThat(receive(ch.endB(), info)).isEqualTo("low");
            assertThat(receive(ch.endB(), info)).isEqualTo("high");
            assertThat(info.priority()).isEqualTo(31);
            assertThat(receive(ch.endB(), info)).isEqualTo("middle");
            assertThat(info.priority()).isEqualTo(5);
            assertThat(ch.endA().options().lane()).isTrue();
        }
    }

    @Test
    void aNamedChannelKeepsItsKindAndACreateAskingForTheOtherIsTold() {
        ChannelEnd a = channels().create("lanes", LANES);
        assertThat(PortFiles.layoutVersion(((ChannelHandle) a).region())).isEqualTo(ChannelDescriptor.LAYOUT_VERSION_LANE);
        ChannelEnd b = channels(context()).open("lanes", ChannelSide.B);
        assertThat(b.options().lane()).isTrue();
        send(a, "over", 3);
        assertThat(receive(b, null)).isEqualTo("over");
        assertThat(b.info().statistics().get(org.multios.ipc.Counter.MESSAGES_IN)).isEqualTo(1);

        assertThatThrownBy(() -> channels().create("lanes", LANES.withLane(false)))
                .isInstanceOfSatisfying(IpcException.class, e -> {
                    assertThat(e.error()).isEqualTo(IpcError.ALREADY_EXISTS);
                    assertThat(e.getMessage()).contains("channel 'lanes'", "lane", "priorities");
                });
        assertThat(channels().create("lanes", LANES).options().lane()).isTrue();
    }

    @Test
    void aLaneLargerThanALaneMayBeIsRefusedNamingTheLimit() {
        ChannelOptions huge = ChannelOptions.ofBufferSize(Integer.MAX_VALUE).withMaxMessageSize(64).withLane(true);
        assertThatThrownBy(() -> channels().create(huge)).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isIn(IpcError.LIMIT_EXCEEDED));
    }

    /** A sender killed with a claim open: the next send takes its side over; its claim is never seen. */
    @Test
    void aSenderKilledWithAClaimOpenHoldsNobodyUpAndItsClaimIsNeverSeen() throws Exception {
        ChannelEnd a = channels().create("claimed", LANES);
        ChannelEnd b = channels().open("claimed", ChannelSide.B);
        Process child = children.startJava("claim", root, tempDir.resolve("claim.log"), "claim", "claimed");
        children.awaitLine(child, "claimed");
        assertThat(a.trySend(new byte[1], 0, 1, 0)).as("the child holds the senders' side").isFalse();

        children.kill(child);
        send(a, "after", 0);

        assertThat(receive(b, null)).isEqualTo("after");
        assertThat(b.tryReceive(new byte[64], 0, 64, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    /** A receiver killed inside its handler: the next receive gets the next message; that one is not delivered again. */
    @Test
    void aReceiverKilledWhileReadingInPlaceLosesThatMessageAndHoldsNobodyUp() throws Exception {
        ChannelEnd a = channels().create("read", LANES);
        send(a, "being read", 0);
        send(a, "next", 0);
        Process child = children.startJava("read", root, tempDir.resolve("read.log"), "read", "read");
        children.awaitLine(child, "reading");
        ChannelEnd b = channels().open("read", ChannelSide.B);

        children.kill(child);

        assertThat(receive(b, null)).isEqualTo("next");
        assertThat(b.tryReceive(new byte[64], 0, 64, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    /**
     * The thread holding its own claim open sends through the same handle, or receives through it
     * inside its own handler: BUSY, not a wait without end.
     */
    @Test
    void aThreadThatHoldsItsOwnSideIsToldInsteadOfWaitingForever() {
        ChannelEnd a = channels().create("own", LANES);
        ChannelEnd b = channels().open("own", ChannelSide.B);
        org.multios.ipc.MessageClaim open = a.tryClaim(8, 0);
        assertThatThrownBy(() -> a.send(new byte[1], 0, 1, 0, WAIT)).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.BUSY);
            assertThat(e.getMessage()).contains("channel 'own'", "claim still open");
        });
        open.commit();
        send(a, "second", 0);
        assertThat(b.tryReceive((m, info) -> assertThatThrownBy(() -> receive(b, null))
                .isInstanceOfSatisfying(IpcException.class, e -> {
                    assertThat(e.error()).isEqualTo(IpcError.BUSY);
                    assertThat(e.getMessage()).contains("handler still reading");
                }))).isTrue();
        assertThat(receive(b, null)).isEqualTo("second");
    }

    /**
     * A claim left open by a thread that ended holds nobody up, through its own handle or another
     * of the same end (each attaches a lane of its own): a sender that waits behind the claim
     * ({@code BLOCK}: in the kernel) while the thread ends, and senders that come after it ended.
     * The side is taken over once the operating system no longer has the thread, a moment after
     * {@code join} returns: the sends wait for it.
     */
    @Test
    void aClaimOfAThreadThatEndedHoldsNobodyUp() throws Exception {
        ChannelEnd a = channels().create("ended", LANES.withWaitStrategy(WaitStrategy.BLOCK));
        ChannelEnd other = channels().open("ended", ChannelSide.A);
        ChannelEnd b = channels().open("ended", ChannelSide.B);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            a.tryClaim(8, 0).putLong(0, 42);
            claimed.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lane-test-claimer");
        t.start();
        assertThat(claimed.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> asleep = CompletableFuture.runAsync(
                () -> other.send(new byte[] { 6 }, 0, 1, 0, WAIT));
        end.countDown();
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();

        asleep.get(30, TimeUnit.SECONDS);
        a.send(new byte[] { 7 }, 0, 1, 0, WAIT);
        other.send(new byte[] { 8 }, 0, 1, 0, WAIT);
        byte[] got = new byte[8];
        assertThat(b.tryReceive(got, 0, 8, null)).isEqualTo(1);
        assertThat(got[0]).isEqualTo((byte) 6);
        assertThat(b.tryReceive(got, 0, 8, null)).isEqualTo(1);
        assertThat(got[0]).isEqualTo((byte) 7);
        assertThat(b.tryReceive(got, 0, 8, null)).isEqualTo(1);
        assertThat(got[0]).isEqualTo((byte) 8);
    }

    /**
     * A receiver that gave up waiting for the receivers' side (another thread's handler held it)
     * and went to sleep is woken when the side is handed back with a message still queued. Its
     * sleep has no slice: before, it slept until the next message was sent.
     */
    @Test
    void aReceiverAsleepBehindAHeldSideIsWokenWhenItIsHandedBack() throws Exception {
        ChannelEnd a = channels().create("handed", LANES.withWaitStrategy(WaitStrategy.BLOCK));
        ChannelHandle first = (ChannelHandle) channels().open("handed", ChannelSide.B);
        ChannelHandle second = (ChannelHandle) channels().open("handed", ChannelSide.B);
        second.sliceNanos(java.util.concurrent.TimeUnit.HOURS.toNanos(1));
        send(a, "read in place", 0);
        send(a, "queued", 0);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        var handler = inThread("handler", () -> first.tryReceive((m, info) -> {
            reading.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(reading.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> got = new CompletableFuture<>();
        Thread receiver = org.multios.ipc.spi.BlockedCalls.start("lane-second", got, () -> receive(second, null));
        // gave up on the side after a second, then asleep on the message sequence of the lane to B
        org.multios.ipc.spi.KernelSleep.awaitAsleepOn(receiver, root.resolve("channel").resolve("handed"),
                ChannelDescriptor.RINGS_OFFSET + org.multios.ipc.channels.ring.PriorityRingDescriptor.AVAILABLE_SEQUENCE_OFFSET);

        done.countDown();

        assertThat(handler.get(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(got.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("queued");
    }
}
