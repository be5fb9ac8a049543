package org.multios.ipc.bench.channel;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.jctools.queues.SpscArrayQueue;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One sender thread and one receiver thread moving 64-byte messages through one direction: an
 * anonymous channel of the project (each message copied into the shared ring and out into the
 * receiver's buffer, nothing allocated), against a JCTools {@link SpscArrayQueue} and an
 * {@link ArrayBlockingQueue} of the same capacity carrying references to a 64-byte array, in
 * the same run, and Agrona's {@link OneToOneRingBuffer} over a mapped file of the same root
 * ({@link MappedRingFixture}: 64-byte records copied in and out, the ceiling a single-producer
 * byte ring in shared memory sets), read one record per operation ({@code agronaRing}) or up to
 * {@link #DRAIN} ({@code agronaRingDrain}, beside {@code claim}). Each project operation of {@code channel} is a blocking send or receive that
 * waits as the channel's wait strategy {@code wait} says, for at most {@link #WAIT_BOUND} (so a
 * stopped peer never blocks the other); {@code claim} writes each message in place through
 * {@code tryClaim}/{@code commit} and receives by draining up to {@link #DRAIN} messages to a
 * handler that reads them in place, one non-blocking attempt per operation (its channel spins,
 * {@code wait=spin}, though neither side waits in the channel); each peer operation is one
 * non-blocking attempt. The {@code sent} and
 * {@code received} counters give the messages that went through, per second: read those, not
 * the primary score.
 */
@Fork(jvmArgsAppend = ChannelProcessRoundTrip.OPEN_INTERNAL_MISC) // Agrona's ring
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChannelThroughput {
    /**
     * The longest a project operation waits: long enough never to end a wait of a running peer,
     * short enough that the thread left when its peer stopped at the iteration's end gets out.
     */
    static final Duration WAIT_BOUND = Duration.ofMillis(50);
    /** Most messages one drain of {@code claim} hands to its handler. */
    static final int DRAIN = 64;

    /** Successful operations of one thread, reported per second next to the attempts. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Moved {
        public long sent;
        public long received;

        @Setup(Level.Iteration)
        public void reset() {
            sent = 0;
            received = 0;
        }

        /** Counts an offer that was taken; returns whether it was. */
        boolean countSent(boolean offered) {
            if (offered) {
                sent++;
            }
            return offered;
        }

        /** Counts the records a read handled; returns their number. */
        int countRead(int handled) {
            received += handled;
            return handled;
        }

        /** Counts a poll that found a message; returns what it found. */
        byte[] countReceived(byte[] polled) {
            if (polled != null) {
                received++;
            }
            return polled;
        }
    }

    /** The project's channel, shared by the group's two threads: its sending and receiving ends. */
    @State(Scope.Group)
    public abstract static class ChannelEnds {
        ChannelFixture fixture;
        ChannelEnd sender;
        ChannelEnd receiver;

        /** Each direction a ring with priorities, or a lane ({@link ChannelFixture#options}). */
        @Param({"priorities", "lane"})
        public String ring;

        /** The subclass's {@code wait} parameter. */
        abstract String waitStrategy();

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new ChannelFixture(waitStrategy(), ring);
            sender = fixture.channel().endA();
            receiver = fixture.channel().endB();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** The project's channel for {@code channel}: blocking sends and receives. */
    public static class OneChannel extends ChannelEnds {
        /** Both ends' wait strategy, as {@link org.multios.ipc.WaitStrategy#parse} reads it. */
        @Param({"block", "adaptive", "spin"})
        public String wait;

        @Override
        String waitStrategy() {
            return wait;
        }
    }

    /** The project's channel for {@code claim}: zero-copy sends and drains, spinning. */
    public static class SpinChannel extends ChannelEnds {
        /** Both ends' wait strategy: only {@code spin} (the caller spins over non-blocking tries). */
        @Param({"spin"})
        public String wait;

        @Override
        String waitStrategy() {
            return wait;
        }
    }

    /** A handler reading each message's first and last words in place, kept per receiving thread. */
    @State(Scope.Thread)
    public static class Reader implements MessageHandler {
        long sum;

        @Override
        public void onMessage(MessageBuffer message, MessageInfo info) {
            sum += message.getLong(0) + message.getLong(message.length() - Long.BYTES);
        }
    }

    /** A JCTools single-producer single-consumer array queue. */
    @State(Scope.Group)
    public static class Spsc {
        final SpscArrayQueue<byte[]> queue = new SpscArrayQueue<>(ChannelFixture.CAPACITY);
    }

    /** A JDK array blocking queue. */
    @State(Scope.Group)
    public static class Blocking {
        final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(ChannelFixture.CAPACITY);
    }

    /** Agrona's one-to-one ring over a mapped file. */
    @State(Scope.Group)
    public static class MappedRing {
        MappedRingFixture fixture;
        OneToOneRingBuffer ring;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new MappedRingFixture(1);
            ring = fixture.ring(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }

        /** Writes one message as a record; returns whether there was room. */
        boolean write(RecordSource s) {
            return ring.write(MappedRingFixture.MESSAGE_TYPE, s.message, 0, ChannelFixture.MESSAGE_SIZE);
        }
    }

    /** A record handler copying each record out into a byte array, as a copying receive does. */
    @State(Scope.Thread)
    public static class RecordCopier implements org.agrona.concurrent.MessageHandler {
        final byte[] receive = new byte[ChannelFixture.MESSAGE_SIZE];

        @Override
        public void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
            buffer.getBytes(index, receive, 0, length);
        }
    }

    /** A sender's message in a buffer Agrona's ring copies from (the bytes on the heap). */
    @State(Scope.Thread)
    public static class RecordSource {
        final UnsafeBuffer message = MappedRingFixture.message();
    }

    /** Per-thread message buffers. */
    @State(Scope.Thread)
    public static class Buffers {
        final byte[] message = new byte[ChannelFixture.MESSAGE_SIZE];
        final byte[] receive = new byte[ChannelFixture.MESSAGE_SIZE];
    }

    /** Project: send one message, waiting for room at most {@link #WAIT_BOUND}. */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public boolean channelSend(OneChannel c, Buffers b, Moved m) {
        try {
            c.sender.send(b.message, 0, b.message.length, 0, WAIT_BOUND);
        } catch (IpcException e) {
            return timedOut(e);
        }
        m.sent++;
        return true;
    }

    /** Project: receive one message, waiting for one at most {@link #WAIT_BOUND}. */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public int channelReceive(OneChannel c, Buffers b, Moved m) {
        int n;
        try {
            n = c.receiver.receive(b.receive, 0, b.receive.length, null, WAIT_BOUND);
        } catch (IpcException e) {
            return timedOut(e) ? 0 : MessagePort.NO_MESSAGE;
        }
        m.received++;
        return n;
    }

    /** Project, zero-copy: claim a slot, write the message into it, commit; one attempt. */
    @Benchmark
    @Group("claim")
    @GroupThreads(1)
    public boolean claimSend(SpinChannel c, Buffers b, Moved m) {
        MessageClaim claim = c.sender.tryClaim(b.message.length, 0);
        if (claim == null) {
            return false;
        }
        claim.putBytes(0, b.message, 0, b.message.length);
        claim.commit();
        m.sent++;
        return true;
    }

    /** Project, zero-copy: drain up to {@link #DRAIN} messages to a handler reading them in place. */
    @Benchmark
    @Group("claim")
    @GroupThreads(1)
    public long claimDrain(SpinChannel c, Reader r, Moved m) {
        m.received += c.receiver.drain(r, DRAIN);
        return r.sum;
    }

    /** A wait that timed out (the other thread of the group stopped first) is no failure. */
    private static boolean timedOut(IpcException e) {
        if (e.error() != IpcError.TIMEOUT) {
            throw e;
        }
        return false;
    }

    /** Peer: offer to the SPSC queue. */
    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public boolean spscOffer(Spsc q, Buffers b, Moved m) {
        return m.countSent(q.queue.offer(b.message));
    }

    /** Peer: poll the SPSC queue. */
    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public byte[] spscPoll(Spsc q, Moved m) {
        return m.countReceived(q.queue.poll());
    }

    /** Peer: write one record into Agrona's mapped ring. */
    @Benchmark
    @Group("agronaRing")
    @GroupThreads(1)
    public boolean agronaRingWrite(MappedRing r, RecordSource s, Moved m) {
        return m.countSent(r.write(s));
    }

    /** Peer: read at most one record out of Agrona's mapped ring. */
    @Benchmark
    @Group("agronaRing")
    @GroupThreads(1)
    public int agronaRingRead(MappedRing r, RecordCopier c, Moved m) {
        return m.countRead(r.ring.read(c, 1));
    }

    /** Peer: write one record into Agrona's mapped ring, read in batches by the other thread. */
    @Benchmark
    @Group("agronaRingDrain")
    @GroupThreads(1)
    public boolean agronaRingDrainWrite(MappedRing r, RecordSource s, Moved m) {
        return m.countSent(r.write(s));
    }

    /** Peer: read up to {@link #DRAIN} records out of Agrona's mapped ring. */
    @Benchmark
    @Group("agronaRingDrain")
    @GroupThreads(1)
    public int agronaRingDrainRead(MappedRing r, RecordCopier c, Moved m) {
        return m.countRead(r.ring.read(c, DRAIN));
    }

    /** Peer: offer to the array blocking queue. */
    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public boolean abqOffer(Blocking q, Buffers b, Moved m) {
        return m.countSent(q.queue.offer(b.message));
    }

    /** Peer: poll the array blocking queue. */
    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public byte[] abqPoll(Blocking q, Moved m) {
        return m.countReceived(q.queue.poll());
    }
}
