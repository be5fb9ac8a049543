package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Issue #16 item 2: a queue's or channel's file grown by another process to a huge sparse size
 * ({@code truncate -s 70T}, or 2^61 bytes) is refused before anything is mapped, with
 * LIMIT_EXCEEDED naming the object; the mechanism keeps serving. Before, the open mapped the
 * whole file (tens of thousands of 1 GiB chunks) or overflowed the chunk count.
 */
@Timeout(60)
class HostileFileSizeTest extends IpcRootSupport {
    private static void grow(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 70L << 40, 1L << 61 })
    void aHugeSparseQueueFileIsRefusedAndTheMechanismKeepsServing(long size) throws IOException {
        IpcContext c = context();
        MessageQueueService queues = c.service(MessageQueueService.class);
        queues.create("jobs", QueueOptions.of(64, 4).withMode(0600)).close();
        grow(root.resolve("queue").resolve("jobs"), size);

        IpcException e = failsWith(IpcError.LIMIT_EXCEEDED, () -> queues.open("jobs"));

        assertThat(e.getMessage()).contains("jobs").contains(Long.toString(size));
        try (MessageQueue other = queues.create("other", QueueOptions.of(64, 4).withMode(0600))) {
            other.send(new byte[] { 1 }, 0, 1, 0);
            try (MessageQueue reader = queues.open("other")) {
                assertThat(reader.receive(new byte[64], 0, 64, null, Duration.ofSeconds(10))).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 70L << 40, 1L << 61 })
    void aHugeSparseChannelFileIsRefusedAndTheMechanismKeepsServing(long size) throws IOException {
        IpcContext c = context();
        ChannelService channels = c.service(ChannelService.class);
        channels.create("pair", ChannelOptions.ofBufferSize(4096)).close();
        grow(root.resolve("channel").resolve("pair"), size);

        IpcException e = failsWith(IpcError.LIMIT_EXCEEDED, () -> channels.open("pair", ChannelSide.B));

        assertThat(e.getMessage()).contains("pair").contains(Long.toString(size));
        try (ChannelEnd a = channels.create("other", ChannelOptions.ofBufferSize(4096));
                ChannelEnd b = channels.open("other", ChannelSide.B)) {
            a.send(new byte[] { 1 }, 0, 1, 0);
            assertThat(b.receive(new byte[64], 0, 64, null, Duration.ofSeconds(10))).isEqualTo(1);
        }
    }
}
