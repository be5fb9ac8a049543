package org.multios.ipc.channels.soak;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.multios.ipc.MessageInfo;

/**
 * What one consumer (or, merged, all of them) saw of a soak run: per producer the set of
 * sequence numbers received, and counts of every kind of violation. A consumer checks each
 * message as it receives it: whole (CRC32), priority and sender pid as the receive reported
 * them, arrived on the route it was sent on, not received before by this consumer, and, per
 * (producer, priority), a higher sequence number than the last it received. The order check is
 * per consumer, which is exact: if one consumer receives m1 before m2 of the same producer and
 * priority, m2 cannot have been accepted before m1 (it was queued when m1 was taken, so FIFO
 * within a priority would have given it out first). Merging finds messages received by two
 * consumers (duplicates); {@link #lost()} compares with what the producers say they sent.
 *
 * <p>Written to and read from a file so child JVMs can hand their ledgers to the test. Not
 * thread-safe: one per consumer thread; merge afterwards.
 */
final class SoakLedger {
    private static final int MAX_FAILURES = 20;

    final Map<Integer, Long> sent = new TreeMap<>();
    final Map<Integer, BitSet> received = new TreeMap<>();
    private final Map<Integer, long[]> last = new TreeMap<>();

    long messages;
    long bytes;
    long corrupted;
    long duplicates;
    long orderViolations;
    long priorityMismatches;
    long senderMismatches;
    long misrouted;
    final List<String> failures = new ArrayList<>();

    /** Checks and records a received data message (not a stop). */
    void accept(byte[] buf, int n, MessageInfo info, byte expectedRoute) {
        messages++;
        bytes += n;
        if (!SoakMessages.isWhole(buf, n)) {
            corrupted++;
            fail("corrupted message of " + n + " bytes: " + Arrays.toString(Arrays.copyOf(buf, Math.max(0, n))));
            return;
        }
        int producer = SoakMessages.producer(buf);
        long seq = SoakMessages.sequence(buf);
        int priority = SoakMessages.priorityOf(buf);
        if (info.priority() != priority || priority != SoakMessages.priority(producer, seq)) {
            priorityMismatches++;
            fail("producer " + producer + " seq " + seq + " sent at priority " + priority + " received at "
                    + info.priority());
        }
        if (info.senderPid() != SoakMessages.pid(buf)) {
            senderMismatches++;
            fail("producer " + producer + " seq " + seq + " from pid " + SoakMessages.pid(buf) + " reported from pid "
                    + info.senderPid());
        }
        if (SoakMessages.route(buf) != expectedRoute) {
            misrouted++;
            fail("producer " + producer + " seq " + seq + " sent on route " + SoakMessages.route(buf)
                    + " received on route " + expectedRoute);
        }
        if (seq < 0 || seq > Integer.MAX_VALUE) {
            corrupted++;
            fail("producer " + producer + " sequence " + seq + " out of range");
            return;
        }
        BitSet seen = received.computeIfAbsent(producer, p -> new BitSet());
        if (seen.get((int) seq)) {
            duplicates++;
            fail("producer " + producer + " seq " + seq + " received twice by one consumer");
        }
        seen.set((int) seq);
        long[] lastOf = last.computeIfAbsent(producer, p -> {
            long[] l = new long[32];
            Arrays.fill(l, -1);
            return l;
        });
        if (seq <= lastOf[priority & 31]) {
            orderViolations++;
            fail("producer " + producer + " priority " + priority + ": seq " + seq + " after " + lastOf[priority & 31]);
        }
        lastOf[priority & 31] = Math.max(seq, lastOf[priority & 31]);
    }

    /** Records that a producer sent {@code count} messages, sequence numbers 0 to count - 1. */
    void sent(int producer, long count) {
        sent.merge(producer, count, Long::sum);
    }

    private void fail(String what) {
        if (failures.size() < MAX_FAILURES) {
            failures.add(what);
        }
    }

    /** Adds another ledger's counts to this one; a message both received counts as a duplicate. */
    void merge(SoakLedger other) {
        messages += other.messages;
        bytes += other.bytes;
        corrupted += other.corrupted;
        duplicates += other.duplicates;
        orderViolations += other.orderViolations;
        priorityMismatches += other.priorityMismatches;
        senderMismatches += other.senderMismatches;
        misrouted += other.misrouted;
        other.sent.forEach(this::sent);
        other.received.forEach((producer, bits) -> {
            BitSet mine = received.computeIfAbsent(producer, p -> new BitSet());
            BitSet both = (BitSet) mine.clone();
            both.and(bits);
            if (!both.isEmpty()) {
                duplicates += both.cardinality();
                fail("producer " + producer + ": " + both.cardinality() + " messages received by two consumers, first "
                        + both.nextSetBit(0));
            }
            mine.or(bits);
        });
        for (String f : other.failures) {
            fail(f);
        }
    }

    /** Messages sent but never received, over every producer. */
    long lost() {
        long lost = 0;
        for (Map.Entry<Integer, Long> e : sent.entrySet()) {
            BitSet bits = received.getOrDefault(e.getKey(), new BitSet());
            long count = e.getValue();
            lost += count - bits.get(0, (int) count).cardinality();
        }
        return lost;
    }

    /** Messages received that no producer says it sent (a sequence past its count, an unknown producer). */
    long phantoms() {
        long phantoms = 0;
        for (Map.Entry<Integer, BitSet> e : received.entrySet()) {
            long count = sent.getOrDefault(e.getKey(), 0L);
            BitSet bits = e.getValue();
            phantoms += bits.cardinality() - bits.get(0, (int) count).cardinality();
        }
        return phantoms;
    }

    long totalSent() {
        return sent.values().stream().mapToLong(Long::longValue).sum();
    }

    void writeTo(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            for (long v : new long[] { messages, bytes, corrupted, duplicates, orderViolations, priorityMismatches,
                    senderMismatches, misrouted }) {
                out.writeLong(v);
            }
            out.writeInt(sent.size());
            for (Map.Entry<Integer, Long> e : sent.entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(received.size());
            for (Map.Entry<Integer, BitSet> e : received.entrySet()) {
                out.writeInt(e.getKey());
                long[] words = e.getValue().toLongArray();
                out.writeInt(words.length);
                for (long w : words) {
                    out.writeLong(w);
                }
            }
            out.writeInt(failures.size());
            for (String f : failures) {
                out.writeUTF(f.length() > 2000 ? f.substring(0, 2000) : f);
            }
        }
    }

    static SoakLedger readFrom(Path file) throws IOException {
        SoakLedger l = new SoakLedger();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            l.messages = in.readLong();
            l.bytes = in.readLong();
            l.corrupted = in.readLong();
            l.duplicates = in.readLong();
            l.orderViolations = in.readLong();
            l.priorityMismatches = in.readLong();
            l.senderMismatches = in.readLong();
            l.misrouted = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                l.sent.put(in.readInt(), in.readLong());
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                int producer = in.readInt();
                long[] words = new long[in.readInt()];
                for (int w = 0; w < words.length; w++) {
                    words[w] = in.readLong();
                }
                l.received.put(producer, BitSet.valueOf(words));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                l.failures.add(in.readUTF());
            }
        }
        return l;
    }

    @Override
    public String toString() {
        return "sent=" + totalSent() + " received=" + messages + " lost=" + lost() + " phantoms=" + phantoms()
                + " duplicates=" + duplicates + " corrupted=" + corrupted + " orderViolations=" + orderViolations
                + " priorityMismatches=" + priorityMismatches + " senderMismatches=" + senderMismatches
                + " misrouted=" + misrouted + (failures.isEmpty() ? "" : " first failures: " + failures);
    }
}
