package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * Issue #16 item 2 for channels: a channel's file truncated by another process while this one
 * maps it. A send gets CORRUPTED naming the channel, its file and the sizes, the end closes
 * (later calls fail at once with CORRUPTED), a receiver asleep on the other end wakes with
 * CORRUPTED instead of hanging, and the mechanism keeps serving other channels. Before, the fault
 * came out of the call as an InternalError (or aborted the JVM on Java 17).
 */
@Timeout(60)
class TruncatedChannelTest extends IpcRootSupport {
    private static final byte[] ONE = { 1 };

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void keepsServing(ChannelService channels) {
        try (ChannelEnd a = channels.create("other", ChannelOptions.ofBufferSize(4096));
                ChannelEnd b = channels.open("other", ChannelSide.B)) {
            a.send(ONE, 0, 1, 0);
            assertThat(b.receive(new byte[64], 0, 64, null, Duration.ofSeconds(10))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aSendAfterTruncationIsCorruptedAndTheEndCloses(long size) throws IOException {
        ChannelService channels = context().service(ChannelService.class);
        ChannelEnd a = channels.create("pair", ChannelOptions.ofBufferSize(16 * 1024));
        ChannelEnd b = context().service(ChannelService.class).open("pair", ChannelSide.B);
        a.send(ONE, 0, 1, 0);
        Path file = root.resolve("channel").resolve("pair");
        truncate(file, size);

        IpcException e = failsWith(IpcError.CORRUPTED, () -> a.trySend(ONE, 0, 1, 0));
        assertThat(e.getMessage()).contains("'pair'").contains(file.toString()).contains("truncated to " + size);
        assertThat(a.isClosed()).isTrue();
        assertThat(failsWith(IpcError.CORRUPTED, () -> a.trySend(ONE, 0, 1, 0)).getMessage()).contains("is closed");
        failsWith(IpcError.CORRUPTED, () -> b.tryReceive(new byte[64], 0, 64, null));
        assertThat(b.isClosed()).isTrue();
        keepsServing(channels);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aReceiverAsleepOnTheChannelWakesWithCorrupted(long size) throws Exception {
        ChannelService channels = context().service(ChannelService.class);
        ChannelEnd a = channels.create("pair", ChannelOptions.ofBufferSize(16 * 1024));
        ChannelEnd b = context().service(ChannelService.class).open("pair", ChannelSide.B);
        CompletableFuture<Integer> received = new CompletableFuture<>();
        Thread t = BlockedCalls.start("receiver", received,
                () -> b.receive(new byte[64], 0, 64, null, Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, -1);
        truncate(root.resolve("channel").resolve("pair"), size);

        try {
            throw new AssertionError("expected CORRUPTED, got " + received.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).as(x.getMessage()).isEqualTo(IpcError.CORRUPTED));
        }
        assertThat(b.isClosed()).isTrue();
        keepsServing(channels);
        a.close();
    }
}
