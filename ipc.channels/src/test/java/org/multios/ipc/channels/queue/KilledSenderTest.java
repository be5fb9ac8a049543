package org.multios.ipc.channels.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.channel.ChannelDescriptor;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.RingSteps;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, faults: child JVMs sending into a named queue, and into a named channel, are killed
 * with SIGKILL at random moments, round after round, while a consumer in this JVM keeps
 * receiving. The children pause at random inside the windows between taking a slot and
 * publishing it ({@link PriorityRing#CRASH_WINDOW_PAUSE_PROPERTY}), so many kills land there.
 * Afterwards every message a child reported as sent was received exactly once and whole, none
 * was torn, and the object still works at its full capacity (slots and, for a channel, budget
 * bytes of killed senders recovered).
 *
 * <p>System properties: {@code ipc.crash.rounds} (default 8; each round starts and kills two
 * senders) for a longer soak, {@code ipc.crash.pauseMicros} (default 300).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KilledSenderTest extends QueueTestSupport {
    private static final int ROUNDS = Integer.getInteger("ipc.crash.rounds", 8);
    private static final int PAUSE_MICROS = Integer.getInteger("ipc.crash.pauseMicros", 300);
    private static final int CHILDREN_PER_ROUND = 2;
    private static final int CAPACITY = 16;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(KilledSenderChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void killedQueueSendersLoseNothingAndTearNothing() throws Exception {
        IpcContext ctx = context();
        MessageQueue q = queues(ctx).create("killed-senders", QueueOptions.of(TestMessages.MAX_LENGTH, CAPACITY));
        Path file = root.resolve("queue").resolve("killed-senders");
        try (Ring ring = Ring.queue(file)) {
            Run run = killRounds("queue", "killed-senders", q, ring.ring);
            keepsWorking(q, CAPACITY, null);
            report("queue", run, ring.ring.recoveredSlots());
        }
    }

    @Test
    void killedChannelSendersLoseNothingTearNothingAndLeakNoBytes() throws Exception {
        IpcContext ctx = context();
        int budget = 8 * TestMessages.MAX_LENGTH;
        ChannelOptions options = new ChannelOptions(budget, CAPACITY, TestMessages.MAX_LENGTH, 0600);
        ChannelService channels = ctx.service(ChannelService.class);
        try (ChannelEnd a = channels.create("killed-senders", options);
                ChannelEnd b = channels.open("killed-senders", ChannelSide.B)) {
            Path file = root.resolve("channel").resolve("killed-senders");
            try (Ring ring = Ring.channel(file, options)) {
                Run run = killRounds("channel", "killed-senders", b, ring.ring);
                keepsWorking(b, 8, a);
                // bytes a killed sender reserved are given back when its slot is recovered: by the
                // sweep of a send that finds the budget full, or by recover() (as here)
                ring.ring.recover();
                assertThat(ring.ring.bytesQueued()).as("budget bytes left after draining").isZero();
                keepsWorking(b, 8, a);
                assertThat(ring.ring.bytesQueued()).isZero();
                report("channel", run, ring.ring.recoveredSlots());
            }
        }
    }

    // ------------------------------------------------------------------ the rounds

    /** What a run saw. */
    record Run(int processes, int kills, long reported, long received, long unreportedReceived, long millis) {
    }

    private Run killRounds(String kind, String name, MessagePort consumerPort, PriorityRing ring) throws Exception {
        long start = System.nanoTime();
        long seed = Long.getLong("ipc.crash.seed", System.nanoTime());
        System.out.println("KilledSenderTest " + kind + " seed " + seed + " (-Dipc.crash.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        Consumer consumer = new Consumer(consumerPort);
        Thread thread = new Thread(consumer, "killed-sender-consumer");
        thread.start();
        Map<Integer, Long> lastReported = new HashMap<>();
        int kills = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                List<Process> ps = new ArrayList<>();
                List<Path> logs = new ArrayList<>();
                List<Integer> senders = new ArrayList<>();
                for (int c = 0; c < CHILDREN_PER_ROUND; c++) {
                    int sender = 100 + round * CHILDREN_PER_ROUND + c;
                    Path log = tempDir.resolve("sender-" + sender + ".log");
                    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp", ChildProcesses.childClassPath(KilledSenderChildMain.class),
                            "-Dorg.multios.ipc.root=" + root,
                            "-D" + RingSteps.CRASH_WINDOW_PAUSE_PROPERTY + "=" + PAUSE_MICROS,
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            KilledSenderChildMain.class.getName(), kind, name, Integer.toString(sender));
                    ps.add(children.start("sender " + sender, command, log));
                    logs.add(log);
                    senders.add(sender);
                }
                for (int c = 0; c < ps.size(); c++) {
                    int wanted = 1 + random.nextInt(400);
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (sentLines(logs.get(c)).size() < wanted && ps.get(c).isAlive()
                            && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    assertThat(ps.get(c).isAlive()).as("sender %d still sending; its output:%n%s", senders.get(c),
                            Files.readString(logs.get(c))).isTrue();
                    Thread.sleep(random.nextInt(15));
                    ps.get(c).destroyForcibly();
                    kills++;
                }
                for (int c = 0; c < ps.size(); c++) {
                    assertThat(ps.get(c).waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    List<Long> sent = sentLines(logs.get(c));
                    for (int i = 0; i < sent.size(); i++) {
                        assertThat(sent.get(i)).as("sender %d reports in order", senders.get(c)).isEqualTo(i);
                    }
                    lastReported.put(senders.get(c), (long) sent.size() - 1);
                }
            }
            long reported = lastReported.values().stream().mapToLong(l -> l + 1).sum();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!consumer.hasAll(lastReported) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // then drain what killed senders published without a report (some perhaps before they
            // marked its priority: recover(), as gc or a waiting receiver's sweep does, marks it)
            while (System.nanoTime() < deadline) {
                ring.recover();
                long idleSince = consumer.lastReceived.get();
                Thread.sleep(300);
                if (consumer.lastReceived.get() == idleSince) {
                    break;
                }
            }
            consumer.stop.set(true);
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).isFalse();
            assertThat(consumer.failure).as("consumer failure").isNull();
            assertThat(consumer.torn.get()).as("torn messages delivered").isZero();
            long unreported = 0;
            synchronized (consumer.counts) {
                for (Map.Entry<Integer, Long> e : lastReported.entrySet()) {
                    for (long seq = 0; seq <= e.getValue(); seq++) {
                        assertThat(consumer.counts.getOrDefault(key(e.getKey(), seq), 0))
                                .as("sender %d message %d, reported sent, received once", e.getKey(), seq)
                                .isEqualTo(1);
                    }
                }
                for (Map.Entry<Long, Integer> e : consumer.counts.entrySet()) {
                    int sender = (int) (e.getKey() >>> 40);
                    long seq = e.getKey() & ((1L << 40) - 1);
                    assertThat(e.getValue()).as("sender %d message %d received at most once", sender, seq)
                            .isEqualTo(1);
                    Long last = lastReported.get(sender);
                    assertThat(last).as("a message of unknown sender %d", sender).isNotNull();
                    if (seq > last) {
                        assertThat(seq).as("only the message in flight at the kill may arrive unreported")
                                .isEqualTo(last + 1);
                        unreported++;
                    }
                }
            }
            return new Run(ROUNDS * CHILDREN_PER_ROUND, kills, reported, consumer.received.get(), unreported,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } finally {
            consumer.stop.set(true);
            thread.join(WAIT.toMillis());
        }
    }

    /** The full capacity still takes messages, which come out whole; then it is empty. */
    private static void keepsWorking(MessagePort receiver, int messages, MessagePort sender) {
        MessagePort to = sender != null ? sender : receiver;
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (int seq = 0; seq < messages; seq++) {
            int n = TestMessages.write(buf, 1, seq);
            // a slot or bytes still held by a killed sender are recovered by the sweep of a full send
            to.send(buf, 0, n, seq % 3, WAIT);
        }
        MessageInfo info = new MessageInfo();
        for (int i = 0; i < messages; i++) {
            int n = receiver.receive(buf, 0, buf.length, info, WAIT);
            assertThat(TestMessages.isWhole(buf, n)).isTrue();
            assertThat(TestMessages.sender(buf)).isEqualTo(1);
        }
        assertThat(receiver.tryReceive(buf, 0, buf.length, info)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    private static void report(String what, Run run, long recovered) {
        System.out.printf("RELIABILITY killed %s senders: %d processes, %d SIGKILLs, %d messages reported sent,"
                + " %d received (%d in flight at a kill), %d slots recovered from dead senders, %d ms, lost 0,"
                + " torn 0%n", what, run.processes(), run.kills(), run.reported(), run.received(),
                run.unreportedReceived(), recovered, run.millis());
    }

    private static long key(int sender, long seq) {
        return ((long) sender << 40) | seq;
    }

    /** The sequences a child reported as sent, from the whole lines of its log. */
    private static List<Long> sentLines(Path log) throws IOException {
        List<Long> sent = new ArrayList<>();
        if (!Files.exists(log)) {
            return sent;
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return sent;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (line.startsWith("sent ")) {
                sent.add(Long.parseLong(line.substring(5).trim()));
            }
        }
        return sent;
    }

    /** Receives until told to stop, counting each message and checking it is whole and in order. */
    private static final class Consumer implements Runnable {
        final MessagePort port;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong received = new AtomicLong();
        final AtomicLong torn = new AtomicLong();
        final AtomicLong lastReceived = new AtomicLong();
        final Map<Long, Integer> counts = new HashMap<>();
        final Map<Long, Long> lastPerSenderPriority = new HashMap<>();
        volatile Throwable failure;

        Consumer(MessagePort port) {
            this.port = port;
        }

        @Override
        public void run() {
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            MessageInfo info = new MessageInfo();
            try {
                while (!stop.get()) {
                    int n = port.tryReceive(buf, 0, buf.length, info);
                    if (n == MessagePort.NO_MESSAGE) {
                        try {
                            n = port.receive(buf, 0, buf.length, info, Duration.ofMillis(100));
                        } catch (org.multios.ipc.IpcException e) {
                            if (e.error() == org.multios.ipc.IpcError.TIMEOUT) {
                                continue;
                            }
                            throw e;
                        }
                    }
                    if (!TestMessages.isWhole(buf, n)) {
                        torn.incrementAndGet();
                        continue;
                    }
                    int sender = TestMessages.sender(buf);
                    long seq = TestMessages.sequence(buf);
                    long sp = ((long) sender << 2) | info.priority();
                    Long last = lastPerSenderPriority.put(sp, seq);
                    if (info.priority() != seq % 3 || (last != null && last >= seq)) {
                        throw new AssertionError("sender " + sender + " message " + seq + " at priority "
                                + info.priority() + " came after " + last);
                    }
                    synchronized (counts) {
                        counts.merge(key(sender, seq), 1, Integer::sum);
                    }
                    received.incrementAndGet();
                    lastReceived.set(System.nanoTime());
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        boolean hasAll(Map<Integer, Long> lastReported) {
            synchronized (counts) {
                for (Map.Entry<Integer, Long> e : lastReported.entrySet()) {
                    for (long seq = 0; seq <= e.getValue(); seq++) {
                        if (!counts.containsKey(key(e.getKey(), seq))) {
                            return false;
                        }
                    }
                }
                return true;
            }
        }
    }

    /** The ring of a queue or channel file, mapped here to read its recovery figures. */
    private static final class Ring implements AutoCloseable {
        final FileChannel channel;
        final PriorityRing ring;

        private Ring(Path file, long base, long span) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MappedRegion region = MappedRegion.map(channel, channel.size(), true);
            ring = PriorityRing.attach(region, base, span, file.toString());
        }

        static Ring queue(Path file) throws IOException {
            long size = Files.size(file);
            return new Ring(file, QueueDescriptor.RING_OFFSET, size - QueueDescriptor.RING_OFFSET);
        }

        static Ring channel(Path file, ChannelOptions options) throws IOException {
            int slots = ChannelDescriptor.slots(options);
            return new Ring(file, ChannelDescriptor.ringOffset(ChannelSide.B, slots, options.maxMessageSize()),
                    ChannelDescriptor.ringSpan(slots, options.maxMessageSize()));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
