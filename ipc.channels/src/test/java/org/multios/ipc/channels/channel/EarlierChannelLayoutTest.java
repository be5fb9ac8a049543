package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.EarlierLayoutFiles.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * A named channel's file of the layout before (channel layout 6, rings of magic PRN3), as the
 * build of that layout made it ({@link org.multios.ipc.channels.EarlierLayoutFiles}: 20 round
 * trips, then 5 messages toward B and one toward A left in it), opened by this build: what it
 * holds comes out in order, both directions take new messages to their last slot, sleepers wake
 * across threads, the file keeps its layout; new channels get layout 7.
 */
@Timeout(60)
class EarlierChannelLayoutTest extends ChannelTestSupport {
    private static final Duration LONG = Duration.ofSeconds(20);
    private Path file;

    @BeforeEach
    void earlierFile() throws IOException {
        // the channel folder as the earlier build left it: made by a first channel
        channels().create("first", ChannelOptions.ofBufferSize(64)).close();
        file = root.resolve("channel").resolve(CHANNEL);
        try (InputStream in = EarlierChannelLayoutTest.class.getResourceAsStream(
                "/org/multios/ipc/channels/earlier/channel-layout6")) {
            Files.copy(in, file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private int word(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[4];
            f.seek(offset);
            f.readFully(b);
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
        }
    }

    private static String receive(MessagePort port, MessageInfo info) {
        byte[] buf = new byte[CHANNEL_MESSAGE];
        int n = port.receive(buf, 0, buf.length, info, LONG);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static void send(MessagePort port, String text, int priority) {
        byte[] b = text(text);
        port.send(b, 0, b.length, priority, LONG);
    }

    private long ringB() {
        return ChannelDescriptor.ringOffset(ChannelSide.B, CHANNEL_SLOTS, CHANNEL_MESSAGE,
                PriorityRingDescriptor.FREE_SCALE_PRN3);
    }

    private long ringA() {
        return ChannelDescriptor.ringOffset(ChannelSide.A, CHANNEL_SLOTS, CHANNEL_MESSAGE,
                PriorityRingDescriptor.FREE_SCALE_PRN3);
    }

    @Test
    void theEarlierBuildsMessagesComeOutInOrderAndBothDirectionsTakeNewOnes() throws IOException {
        assertThat(word(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET)).isEqualTo(ChannelDescriptor.LAYOUT_VERSION_PRN3);
        assertThat(word(ringB() + PriorityRingDescriptor.MAGIC_OFFSET)).isEqualTo(PriorityRingDescriptor.MAGIC_PRN3);
        assertThat(word(ringA() + PriorityRingDescriptor.MAGIC_OFFSET)).isEqualTo(PriorityRingDescriptor.MAGIC_PRN3);
        long earlierLength = Files.size(file);
        try (ChannelEnd a = channels().open(CHANNEL, ChannelSide.A); ChannelEnd b = channels().open(CHANNEL, ChannelSide.B)) {
            assertThat(b.pendingMessages()).isEqualTo(CHANNEL_SENT);
            assertThat(a.pendingMessages()).isEqualTo(1);
            MessageInfo info = new MessageInfo();
            assertThat(receive(b, info)).isEqualTo("b-1");
            assertThat(info.priority()).isEqualTo(1);
            assertThat(receive(b, info)).isEqualTo("b-3");
            assertThat(receive(b, info)).isEqualTo("b-0");
            assertThat(info.priority()).isEqualTo(0);
            assertThat(receive(b, info)).isEqualTo("b-2");
            assertThat(receive(b, info)).isEqualTo("b-4");
            assertThat(receive(a, info)).isEqualTo("a-0");
            for (int lap = 0; lap < 3; lap++) {
                for (MessagePort from : new MessagePort[] { a, b }) {
                    MessagePort to = from == a ? b : a;
                    for (int k = 0; k < CHANNEL_SLOTS; k++) {
                        byte[] m = text("n-" + lap + "-" + k);
                        assertThat(from.trySend(m, 0, m.length, 2)).as("lap %d slot %d", lap, k).isTrue();
                    }
                    assertThat(from.trySend(new byte[1], 0, 1, 2)).as("full at %d slots", CHANNEL_SLOTS).isFalse();
                    for (int k = 0; k < CHANNEL_SLOTS; k++) {
                        assertThat(receive(to, info)).isEqualTo("n-" + lap + "-" + k);
                    }
                }
            }
            assertThat(b.statistics().get(Counter.HIGH_WATER_MARK)).isEqualTo(CHANNEL_SLOTS);
        }
        assertThat(word(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET)).as("kept in its layout")
                .isEqualTo(ChannelDescriptor.LAYOUT_VERSION_PRN3);
        assertThat(Files.size(file)).isEqualTo(earlierLength);
    }

    @Test
    void sleepersWakeAcrossThreads() throws Exception {
        ChannelEnd a = channels().open(CHANNEL, ChannelSide.A);
        ChannelEnd b = channels().open(CHANNEL, ChannelSide.B);
        MessageInfo info = new MessageInfo();
        for (int n = CHANNEL_SENT; n > 0; n--) {
            receive(b, info);
        }
        receive(a, info);
        // a receiver asleep at B wakes at a send from A in another thread
        CompletableFuture<String> got = new CompletableFuture<>();
        Thread receiver = BlockedCalls.start("earlier-recv", got, () -> receive(b, new MessageInfo()));
        KernelSleep.awaitAsleepOn(receiver, file,
                ringB() + PriorityRingDescriptor.AVAILABLE_SEQUENCE_OFFSET);
        send(a, "wake", 5);
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo("wake");
        // a sender asleep on a full direction wakes at a receive
        for (int k = 0; k < CHANNEL_SLOTS; k++) {
            send(b, "f-" + k, 0);
        }
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        Thread sender = BlockedCalls.start("earlier-send", sent, () -> {
            send(b, "last", 0);
            return true;
        });
        KernelSleep.awaitAsleepOn(sender, file,
                ringA() + PriorityRingDescriptor.SPACE_SEQUENCE_OFFSET);
        assertThat(receive(a, info)).isEqualTo("f-0");
        assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
        for (int k = 1; k < CHANNEL_SLOTS; k++) {
            assertThat(receive(a, info)).isEqualTo("f-" + k);
        }
        assertThat(receive(a, info)).isEqualTo("last");
        a.close();
        b.close();
    }

    @Test
    void aNewChannelGetsTheNewLayout() throws IOException {
        channels().create("fresh", ChannelOptions.ofBufferSize(4096).withMaxMessages(CHANNEL_SLOTS)
                .withMaxMessageSize(CHANNEL_MESSAGE)).close();
        file = root.resolve("channel").resolve("fresh");
        assertThat(word(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET)).isEqualTo(ChannelDescriptor.LAYOUT_VERSION);
        assertThat(word(ChannelDescriptor.ringOffset(ChannelSide.A, CHANNEL_SLOTS, CHANNEL_MESSAGE)
                + PriorityRingDescriptor.MAGIC_OFFSET)).isEqualTo(PriorityRingDescriptor.MAGIC);
    }

    @Test
    void aLayoutVersionOfNoKnownLayoutIsRefusedNamingTheChannelAndTheVersion() throws IOException {
        for (int version : new int[] { 5, 8 }) { // 8: lanes published by their tail, which no lane of now agrees with
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET);
                f.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, version).array());
            }
            assertThat(failsWith(IpcError.CORRUPTED, () -> channels().open(CHANNEL, ChannelSide.A)).getMessage())
                    .contains("channel '" + CHANNEL + "'", "layout version " + version, "reads 9, 7 and 6");
        }
    }
}
