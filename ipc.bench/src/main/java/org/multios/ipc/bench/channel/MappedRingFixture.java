package org.multios.ipc.bench.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.multios.ipc.bench.BenchRoot;

/**
 * A peer for the in-framework channel rows: Agrona's {@link OneToOneRingBuffer} (one producer,
 * one consumer, records copied in and out, no crash recovery, no priorities, no quota) over a
 * file mapped from the same kind of root as the project's channels ({@code /dev/shm}), each ring
 * large enough for {@value ChannelFixture#CAPACITY} records of {@value ChannelFixture#MESSAGE_SIZE}
 * bytes. It is the ceiling a copying single-producer byte ring in shared memory sets, beside the
 * JCTools queue of references. Agrona reaches {@code jdk.internal.misc.Unsafe}: the benchmarks'
 * forks open it ({@link ChannelProcessRoundTrip#OPEN_INTERNAL_MISC}), and it runs on Java 17 only
 * (JDK 24 changed a method it calls), so each benchmark keeps it in a state of its own.
 */
final class MappedRingFixture implements AutoCloseable {
    /** The records' message type (Agrona wants one above 0). */
    static final int MESSAGE_TYPE = 1;
    /** Ring bytes: the power of two that holds the records (64 bytes and an 8-byte header each). */
    private static final int RING_BYTES = Integer.highestOneBit(ChannelFixture.CAPACITY * (ChannelFixture.MESSAGE_SIZE + 8)) << 1;

    private final BenchRoot root = new BenchRoot();
    private final MappedByteBuffer[] mappings;
    private final OneToOneRingBuffer[] rings;

    /** Maps {@code count} rings, each in its own file. */
    MappedRingFixture(int count) {
        mappings = new MappedByteBuffer[count];
        rings = new OneToOneRingBuffer[count];
        int length = RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH;
        for (int i = 0; i < count; i++) {
            Path file = root.path().resolve("ring-" + i);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                mappings[i] = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rings[i] = new OneToOneRingBuffer(new UnsafeBuffer(mappings[i]));
        }
    }

    /** Ring {@code i}. */
    OneToOneRingBuffer ring(int i) {
        return rings[i];
    }

    /** A buffer over one message's bytes on the heap, as the project's copying send takes them. */
    static UnsafeBuffer message() {
        return new UnsafeBuffer(new byte[ChannelFixture.MESSAGE_SIZE]);
    }

    @Override
    public void close() {
        for (MappedByteBuffer m : mappings) {
            if (m != null) {
                IoUtil.unmap(m);
            }
        }
        root.close();
    }
}
