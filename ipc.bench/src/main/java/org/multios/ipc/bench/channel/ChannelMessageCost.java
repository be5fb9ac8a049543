package org.multios.ipc.bench.channel;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelEnd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one 64-byte message costs the processor when nothing competes for it: one thread sends a
 * message into an anonymous channel and receives it from the other end, copying ({@code copy}:
 * {@code trySend} and {@code tryReceive}) or in place ({@code claim}: {@code tryClaim},
 * {@code commit} and a {@code drain} of one), against an {@link ArrayBlockingQueue} offer and
 * poll and a write and read of one record of Agrona's one-to-one ring over a mapped file
 * ({@link MappedRingFixture}, the record copied out) in the same run. One thread and one core: the figure is the instructions and atomic
 * operations of a message's path, which the two-thread benchmarks ({@link ChannelThroughput},
 * {@link ChannelRoundTrip}) multiply by the cache-line transfers between cores, and which the
 * machine's other load disturbs least.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = ChannelProcessRoundTrip.OPEN_INTERNAL_MISC) // Agrona's ring
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelMessageCost {
    private final byte[] message = new byte[ChannelFixture.MESSAGE_SIZE];
    private final byte[] buffer = new byte[ChannelFixture.MESSAGE_SIZE];
    private final MessageInfo info = new MessageInfo();
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(ChannelFixture.CAPACITY);
    private final Reader reader = new Reader();

    /** Reads each message's first and last words in place. */
    private static final class Reader implements MessageHandler {
        long sum;

        @Override
        public void onMessage(MessageBuffer m, MessageInfo i) {
            sum += m.getLong(0) + m.getLong(m.length() - Long.BYTES);
        }
    }

    /** The project's channel, its own state: its {@code ring} parameter is not the peers'. */
    @State(Scope.Thread)
    public static class Ends {
        /** Each direction a ring with priorities, or a lane ({@link ChannelFixture#options}). */
        @Param({"priorities", "lane"})
        public String ring;

        ChannelFixture fixture;
        ChannelEnd sender;
        ChannelEnd receiver;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new ChannelFixture("spin", ring);
            sender = fixture.channel().endA();
            receiver = fixture.channel().endB();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** Agrona's ring over a mapped file, its own state: Agrona runs on Java 17 only, the rest everywhere. */
    @State(Scope.Thread)
    public static class MappedRing {
        MappedRingFixture fixture;
        OneToOneRingBuffer ring;
        UnsafeBuffer record;
        final byte[] buffer = new byte[ChannelFixture.MESSAGE_SIZE];
        final org.agrona.concurrent.MessageHandler copyOut =
                (type, b, index, length) -> b.getBytes(index, buffer, 0, length);

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new MappedRingFixture(1);
            ring = fixture.ring(0);
            record = MappedRingFixture.message();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** Project: a copying send and receive. */
    @Benchmark
    public int copy(Ends c) {
        c.sender.trySend(message, 0, message.length, 0);
        return c.receiver.tryReceive(buffer, 0, buffer.length, info);
    }

    /** Project: a claim written in place and committed, then a drain of one read in place. */
    @Benchmark
    public long claim(Ends c) {
        MessageClaim claim = c.sender.tryClaim(message.length, 0);
        claim.putBytes(0, message, 0, message.length);
        claim.commit();
        c.receiver.drain(reader, 1);
        return reader.sum;
    }

    /** Peer: a record written into Agrona's mapped ring and read out of it. */
    @Benchmark
    public int agronaRing(MappedRing r) {
        r.ring.write(MappedRingFixture.MESSAGE_TYPE, r.record, 0, ChannelFixture.MESSAGE_SIZE);
        return r.ring.read(r.copyOut, 1);
    }

    /** Peer: an offer and a poll of a JDK array blocking queue. */
    @Benchmark
    public byte[] arrayBlockingQueue() {
        queue.offer(message);
        return queue.poll();
    }
}
