package org.multios.ipc.channels.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.channels.ring.RingSteps;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Durable queues when things go wrong: the sending process SIGKILLed in the middle of SYNC sends
 * (every send that returned is there after the restart, nothing torn), a power loss (the image
 * of the disk as it was when the sender was killed, mounted again: the SYNC sends that returned
 * and the GROUP sends older than the group window are in it), the page cache dropped (a SYNC
 * queue's pages are all clean, so they are read back from the disk), and the file system full
 * (a clear IpcException; nothing accepted is lost).
 */
@Timeout(180)
class DurableQueueCrashTest extends QueueTestSupport {
    /** Sends a killed sender must have reported before it is killed. */
    private static final int SENT_BEFORE_KILL = 100;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(DurableQueueChildMain.class);
    private final List<AutoCloseable> cleanUp = new ArrayList<>();

    @AfterEach
    void stopChildren() throws Exception {
        children.destroyAll();
        for (int i = cleanUp.size() - 1; i >= 0; i--) {
            cleanUp.get(i).close();
        }
    }

    private Process child(Path durableRoot, String label, String... args) throws IOException {
        return child(durableRoot, 200, label, args);
    }

    /** A child whose sends pause {@code pauseMicros} at random inside the ring's crash windows. */
    private Process child(Path durableRoot, long pauseMicros, String label, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", ChildProcesses.childClassPath(DurableQueueChildMain.class),
                "-Dorg.multios.ipc.root=" + root, "-D" + MessageQueueMechanism.DURABLE_ROOT_PROPERTY + "=" + durableRoot,
                "-D" + RingSteps.CRASH_WINDOW_PAUSE_PROPERTY + "=" + pauseMicros, DurableQueueChildMain.class.getName()));
        command.addAll(List.of(args));
        return children.start(label, command, tempDir.resolve(label + ".log"));
    }

    /** The sequences the child reported sent, from complete lines only. */
    private TreeSet<Long> reportedSent(Process p) {
        TreeSet<Long> sent = new TreeSet<>();
        String out = children.output(p);
        int end = out.lastIndexOf('\n');
        for (String line : out.substring(0, Math.max(0, end)).split("\n")) {
            if (line.startsWith("sent ")) {
                sent.add(Long.parseLong(line.substring(5).trim()));
            }
        }
        return sent;
    }

    private void awaitOutput(Process p, String what, java.util.function.Predicate<Process> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!done.test(p)) {
            assertThat(p.isAlive()).as("child alive while waiting for %s; its output:%n%s", what, children.output(p))
                    .isTrue();
            assertThat(System.nanoTime() - deadline).as("waited for %s", what).isNegative();
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    private void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Receives everything the queue holds through a new mechanism (a restarted gateway) on
     * {@code durableRoot}, checks each message is whole, of its priority and not seen twice, and
     * returns the sequences.
     */
    private TreeSet<Long> drain(Path durableRoot, String name) {
        TreeSet<Long> got = new TreeSet<>();
        try (IpcContext ipc = open(durableRoot);
                MessageQueue q = ipc.service(MessageQueueService.class).open(name)) {
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            MessageInfo info = new MessageInfo();
            for (int n; (n = q.tryReceive(buf, 0, buf.length, info)) >= 0;) {
                assertThat(TestMessages.isWhole(buf, n)).as("message of %d bytes is whole", n).isTrue();
                long seq = TestMessages.sequence(buf);
                assertThat(info.priority()).as("priority of message %d", seq).isEqualTo((int) (seq % 3));
                assertThat(got.add(seq)).as("message %d received once", seq).isTrue();
            }
        }
        return got;
    }

    @Test
    void everySyncSendThatReturnedSurvivesTheSenderKilledMidSend() throws Exception {
        Path durable = tempDir.resolve("durable");
        Process p = child(durable, "sync-flood", "flood", "ledger", "SYNC");
        awaitOutput(p, SENT_BEFORE_KILL + " sends", c -> reportedSent(c).size() >= SENT_BEFORE_KILL);
        kill(p);
        TreeSet<Long> sent = reportedSent(p);

        TreeSet<Long> got = drain(durable, "ledger");
        System.out.printf("SIGKILL mid SYNC sends: %d sends returned, %d received after the restart%n", sent.size(),
                got.size());
        assertThat(got).containsAll(sent);
        // at most the send in flight when it was killed is there too
        assertThat(got.size()).isBetween(sent.size(), sent.size() + 1);
        assertThat(got.last()).isLessThanOrEqualTo(sent.last() + 1);
    }

    @Test
    void aMessageWhoseReceiverIsKilledWhileReadingItInPlaceIsReceivedAgain() throws Exception {
        Path durable = tempDir.resolve("durable");
        Process p = child(durable, 0, "take", "take", "outbox", "SYNC", "6");
        awaitOutput(p, "a message taken", c -> children.output(c).contains("taking "));
        kill(p);
        String out = children.output(p);
        long taken = Long.parseLong(out.substring(out.indexOf("taking ") + 7).trim());

        TreeSet<Long> got = new TreeSet<>();
        List<Long> order = new ArrayList<>();
        try (IpcContext ipc = open(durable);
                MessageQueue q = ipc.service(MessageQueueService.class).open("outbox")) {
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            MessageInfo info = new MessageInfo();
            for (int i = 0; i < 6; i++) {
                // a receive that finds nothing sweeps for slots of dead owners before it sleeps
                int n = q.receive(buf, 0, buf.length, info, java.time.Duration.ofSeconds(20));
                assertThat(TestMessages.isWhole(buf, n)).isTrue();
                long seq = TestMessages.sequence(buf);
                assertThat(info.priority()).isEqualTo((int) (seq % 3));
                assertThat(got.add(seq)).as("message %d received once", seq).isTrue();
                order.add(seq);
            }
            assertThat(q.tryReceive(buf, 0, buf.length, info)).isEqualTo(-1);
        }
        System.out.printf("receiver killed reading message %d in place; received after: %s%n", taken, order);
        assertThat(got).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void syncSendsThatReturnedAreOnTheDiskAtAPowerLoss() throws Exception {
        LoopFileSystem disk = LoopFileSystem.mount(tempDir, 64);
        cleanUp.add(disk);
        Process p = child(disk.root().resolve("durable"), "sync-power", "flood", "ledger", "SYNC");
        awaitOutput(p, SENT_BEFORE_KILL + " sends", c -> reportedSent(c).size() >= SENT_BEFORE_KILL);
        kill(p);
        TreeSet<Long> sent = reportedSent(p);

        Path afterPowerLoss = disk.mountCrashImage(tempDir);
        TreeSet<Long> got = drain(afterPowerLoss.resolve("durable"), "ledger");
        System.out.printf("power loss at SIGKILL mid SYNC sends: %d sends returned, %d in the disk image%n",
                sent.size(), got.size());
        assertThat(got).containsAll(sent);
        assertThat(got.size()).isBetween(sent.size(), sent.size() + 1);
    }

    @Test
    void groupSendsOlderThanTheWindowAreOnTheDiskAtAPowerLoss() throws Exception {
        LoopFileSystem disk = LoopFileSystem.mount(tempDir, 64);
        cleanUp.add(disk);
        int count = 200;
        Process p = child(disk.root().resolve("durable"), "group-power", "hold", "ledger", "GROUP",
                Integer.toString(count));
        awaitOutput(p, "holding", c -> children.output(c).contains("holding\n"));
        // the guarantee is a time: every send is older than the 2 ms window plus one flush by far
        p.waitFor(1, TimeUnit.SECONDS);
        kill(p);

        Path afterPowerLoss = disk.mountCrashImage(tempDir);
        TreeSet<Long> got = drain(afterPowerLoss.resolve("durable"), "ledger");
        System.out.printf("power loss 1 s after %d GROUP sends: %d in the disk image%n", count, got.size());
        assertThat(got).hasSize(count);
    }

    @Test
    void theFirstOpenerAfterARestartRecoversSlotsOfTheEarlierBoot() throws Exception {
        Path durable = tempDir.resolve("durable");
        // each send pauses for seconds inside its windows: the child holds a slot most of the time
        Process p = child(durable, 3_000_000, "held", "flood", "ledger", "OS");
        Path file = durable.resolve("queue").resolve("ledger");
        awaitOutput(p, "a slot held", c -> Files.exists(file) && slotOwnedBy(file, c.pid()) >= 0);
        int slot;
        do { // stopped while it holds a slot: a process of the "earlier boot" that looks alive
            signal("STOP", p);
            slot = slotOwnedBy(file, p.pid());
            if (slot < 0) {
                signal("CONT", p);
                awaitOutput(p, "a slot held", c -> slotOwnedBy(file, c.pid()) >= 0);
            }
        } while (slot < 0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(16).putLong(0, 0x0123456789abcdefL), QueueDescriptor.BOOT_ID); // another boot
        }

        int sent = 0;
        try (IpcContext ipc = open(durable); MessageQueue q = ipc.service(MessageQueueService.class).open("ledger")) {
            assertThat(slotOwnedBy(file, p.pid())).as("slot %d of the earlier boot's process", slot).isNegative();
            byte[] buf = new byte[TestMessages.MAX_LENGTH];
            for (int n; (n = q.tryReceive(buf, 0, buf.length, null)) >= 0;) {
                assertThat(TestMessages.isWhole(buf, n)).isTrue();
            }
            while (q.trySend(buf, 0, TestMessages.write(buf, 2, sent), 0)) {
                sent++;
            }
        }
        System.out.printf("restart recovery: slot %d of a live process of the earlier boot recovered; %d of %d slots"
                + " free%n", slot, sent, DurableQueueChildMain.CAPACITY);
        assertThat(sent).as("free slots after the restart").isEqualTo(DurableQueueChildMain.CAPACITY);
    }

    /** The first slot of the queue file whose owner word names {@code pid}, or -1. */
    private static int slotOwnedBy(Path file, long pid) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long slots = QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.slotsOffset(DurableQueueChildMain.CAPACITY);
            int slotSize = PriorityRingDescriptor.slotSize(TestMessages.MAX_LENGTH);
            ByteBuffer word = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            for (int slot = 0; slot < DurableQueueChildMain.CAPACITY; slot++) {
                word.clear();
                ch.read(word, slots + (long) slot * slotSize + PriorityRingDescriptor.SLOT_OWNER_OFFSET);
                long owner = word.getLong(0);
                if (owner != 0 && ProcessLiveness.ownerId(owner) == pid) {
                    return slot;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void signal(String signal, Process p) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        if (signal.equals("STOP")) {
            // stopped once /proc says so: state T
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).matches("(?s)\\d+ \\(.*\\) T .*")) {
                assertThat(System.nanoTime() - deadline).as("child stopped").isNegative();
                p.waitFor(1, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Test
    void aSyncQueueIsReadBackFromTheDiskAfterThePageCacheIsDropped() throws Exception {
        Path durable = tempDir.resolve("durable");
        int count = 200;
        Process p = child(durable, "sync-send", "send", "ledger", "SYNC", Integer.toString(count));
        assertThat(children.awaitExit(p)).as(children.output(p)).isZero();
        Path file = durable.resolve("queue").resolve("ledger");
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException notPermitted) {
            abort("cannot drop the page cache here (" + notPermitted + ")");
        }
        // a dirty page (a send not written back) is never dropped: none of the messages' may be left.
        // Before the ring's entries: the headers' counters and wake sequences (closing bumps them)
        long firstMessagePage = (QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.ENTRIES_OFFSET) / 4096;
        List<Long> resident = residentPages(file);
        System.out.printf("page cache dropped after %d SYNC sends: pages still in memory %s (messages from page %d)%n",
                count, resident, firstMessagePage);
        assertThat(resident).as("pages of %s still in memory after the drop", file)
                .allMatch(page -> page < firstMessagePage);

        TreeSet<Long> got = drain(durable, "ledger");
        assertThat(got).hasSize(count);
        assertThat(got.last()).isEqualTo(count - 1L);
    }

    /** The pages of the file in the page cache now (mincore through MappedByteBuffer.isLoaded, page by page). */
    private static List<Long> residentPages(Path file) throws IOException {
        List<Long> resident = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at = 0; at < ch.size(); at += 4096) {
                if (ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(4096, ch.size() - at)).isLoaded()) {
                    resident.add(at / 4096);
                }
            }
        }
        return resident;
    }

    @Test
    void aFullFileSystemGivesAClearErrorAndLosesNothingAccepted() throws Exception {
        LoopFileSystem disk = LoopFileSystem.mount(tempDir, 16);
        cleanUp.add(disk);
        Path durable = disk.root().resolve("durable");
        QueueOptions sync = QueueOptions.of(TestMessages.MAX_LENGTH, 64).withDurability(QueueDurability.SYNC);
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        try (IpcContext ipc = open(durable)) {
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            try (MessageQueue kept = queues.create("kept", sync)) {
                for (long seq = 0; seq < 20; seq++) {
                    kept.send(buf, 0, TestMessages.write(buf, 1, seq), (int) (seq % 3));
                }
                fill(disk.root());

                IpcException full = (IpcException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> queues.create("more", sync));
                assertThat(full).as("create on a full file system").isNotNull();
                assertThat(full.error()).isEqualTo(IpcError.IO_ERROR);
                System.out.println("create on a full file system: " + full.getMessage());
                assertThat(full.getMessage()).contains("queue 'more'", "full");
                assertThat(durable.resolve("queue").resolve("more")).doesNotExist();
                try (var left = Files.list(durable.resolve("queue"))) {
                    assertThat(left).extracting(f -> f.getFileName().toString()).containsExactly("kept");
                }

                // the queue that exists has its storage reserved: sends go on, flushed
                for (long seq = 20; seq < 40; seq++) {
                    kept.send(buf, 0, TestMessages.write(buf, 1, seq), (int) (seq % 3));
                }
            }
        }
        TreeSet<Long> got = drain(durable, "kept");
        assertThat(got).hasSize(40);
        assertThat(got.last()).isEqualTo(39L);
    }

    /** Writes files until the file system has not one block left. */
    private static void fill(Path dir) throws IOException {
        int files = 0;
        for (int blockSize = 1 << 20; blockSize >= 1024; blockSize >>= 2) {
            ByteBuffer block = ByteBuffer.allocate(blockSize);
            try (FileChannel ch = FileChannel.open(dir.resolve("filler-" + files++), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                while (true) {
                    block.clear();
                    ch.write(block);
                    ch.force(false);
                }
            } catch (IOException full) {
                if (!String.valueOf(full.getMessage()).contains("No space left")) {
                    throw full;
                }
            }
        }
    }

    /** A context (another process, to the platform) whose durable root is {@code durableRoot}. */
    private IpcContext open(Path durableRoot) {
        System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, durableRoot.toString());
        try {
            return Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        } finally {
            System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
        }
    }
}
