package org.multios.ipc.stat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/** ipc-stat over a root a program of this JVM uses through {@link Ipc#open}: counts, damage, no writes. */
@Timeout(60)
class IpcStatTest {
    private Path parent;
    private Path root;
    private IpcContext ipc;

    @BeforeEach
    void open() throws IOException {
        Path devShm = Path.of("/dev/shm");
        parent = Files.isDirectory(devShm) && Files.isWritable(devShm) ? Files.createTempDirectory(devShm, "ipc-stat-")
                : Files.createTempDirectory("ipc-stat-");
        root = parent.resolve("root");
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void close() throws IOException {
        ipc.close();
        try (Stream<Path> files = Files.walk(parent)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<RootScan.Row> scan() {
        return new RootScan(new IpcEnvironment(root, IpcLimits.defaults())).scan();
    }

    private static RootScan.Row row(List<RootScan.Row> rows, ObjectType type, String name) {
        return rows.stream().filter(r -> r.type() == type && r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.label() + " '" + name + "' in " + rows));
    }

    @Test
    void countsAreThoseTheObjectsKeep() {
        MessageQueue orders = ipc.service(MessageQueueService.class).create("orders", QueueOptions.of(64, 16));
        byte[] m = "order".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            orders.send(m, 0, m.length, 1);
        }
        byte[] buf = new byte[64];
        orders.receive(buf, 0, buf.length, null);
        orders.receive(buf, 0, buf.length, null);
        Semaphore slots = ipc.service(SyncService.class).createSemaphore("slots", SemaphoreOptions.of(3), 0600);
        slots.release();
        SharedMemory frames = ipc.service(SharedMemoryService.class).create("frames", 8192, 0600);
        ChannelEnd chat = ipc.service(ChannelService.class).create("chat", ChannelOptions.ofBufferSize(4096).withMode(0600));

        List<RootScan.Row> rows = scan();
        RootScan.Row queue = row(rows, ObjectType.QUEUE, "orders");
        assertThat(queue.status()).isEqualTo("OK");
        assertThat(queue.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(5);
        assertThat(queue.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(2);
        assertThat(queue.info().statistics().get(Counter.DEPTH)).isEqualTo(3);
        assertThat(queue.info().statistics().get(Counter.BYTES_IN)).isEqualTo(5L * m.length);
        assertThat(queue.info()).as("what the platform itself lists").hasToString(
                ipc.runtime().object(ObjectType.QUEUE, "orders").orElseThrow().toString());
        assertThat(row(rows, ObjectType.SEMAPHORE, "slots").info().statistics().get(Counter.MESSAGES_IN))
                .isEqualTo(ipc.runtime().object(ObjectType.SEMAPHORE, "slots").orElseThrow().statistics()
                        .get(Counter.MESSAGES_IN)).isEqualTo(1);
        assertThat(row(rows, ObjectType.SHARED_MEMORY, "frames").info().capacity()).isEqualTo(8192);
        assertThat(row(rows, ObjectType.CHANNEL, "chat").info()).hasToString(
                ipc.runtime().object(ObjectType.CHANNEL, "chat").orElseThrow().toString());
        chat.close();
        orders.close();
        slots.close();
        frames.close();
    }

    /** A channel of lanes (channel layout 9) reads as any channel: its counts, its depth from them. */
    @Test
    void aChannelOfLanesIsReadWithItsCounts() {
        ChannelEnd a = ipc.service(ChannelService.class).create("lanes",
                ChannelOptions.ofBufferSize(4096).withMaxMessageSize(64).withLane(true));
        ChannelEnd b = ipc.service(ChannelService.class).open("lanes", org.multios.ipc.channel.ChannelSide.B);
        byte[] m = "tick".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            a.send(m, 0, m.length, 0);
        }
        b.receive(new byte[64], 0, 64, null);

        RootScan.Row lanes = row(scan(), ObjectType.CHANNEL, "lanes");
        assertThat(lanes.status()).isEqualTo("OK");
        assertThat(lanes.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(3);
        assertThat(lanes.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
        assertThat(lanes.info().statistics().get(Counter.DEPTH)).isEqualTo(2);
        a.close();
        b.close();
    }

    @Test
    void theQueuesOfTheDurableRootAreListedToo() throws Exception {
        Files.createDirectories(Path.of("target"));
        Path durableRoot = Files.createTempDirectory(Path.of("target"), "durable").toAbsolutePath();
        System.setProperty(IpcStat.DURABLE_ROOT_PROPERTY, durableRoot.toString());
        try (IpcContext other = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
                MessageQueue outbox = other.service(MessageQueueService.class).create("outbox",
                        QueueOptions.of(64, 8).withDurability(QueueDurability.GROUP))) {
            byte[] m = { 1, 2, 3 };
            outbox.send(m, 0, 3, 0);
            outbox.send(m, 0, 3, 0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.clearProperty(IpcStat.DURABLE_ROOT_PROPERTY);
            assertThat(IpcStat.run(new String[] { "--root", root.toString(), "--durable-root", durableRoot.toString() },
                    new PrintStream(out, true), System.err)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("durable +outbox +OK +2 ");
            out.reset();
            IpcStat.run(new String[] { "--root", root.toString(), "--durable-root", durableRoot.toString(), "--json" },
                    new PrintStream(out, true), System.err);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                    "{\"type\":\"queue\",\"name\":\"outbox\",\"status\":\"OK\",\"durable\":true");
        } finally {
            System.clearProperty(IpcStat.DURABLE_ROOT_PROPERTY);
            try (Stream<Path> files = Files.walk(durableRoot)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aDamagedFileIsReportedCorruptedAndTheOthersStillShown() throws Exception {
        ipc.service(MessageQueueService.class).create("good", QueueOptions.of(64, 4)).close();
        ipc.service(MessageQueueService.class).create("broken", QueueOptions.of(64, 4)).close();
        try (FileChannel f = FileChannel.open(root.resolve("queue").resolve("broken"), StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap("NOTIPC!!".getBytes(StandardCharsets.US_ASCII)), 0); // the magic
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = IpcStat.run(new String[] { "--root", root.toString() }, new PrintStream(out, true), System.err);
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(table).containsPattern("queue +broken +CORRUPTED queue 'broken' is not an IPC object file").containsPattern("queue +good +OK ");
        assertThat(row(scan(), ObjectType.QUEUE, "broken").error()).isEqualTo(IpcError.CORRUPTED);
    }

    @Test
    void aPassWritesNothingAndCreatesNothing() throws Exception {
        MessageQueue q = ipc.service(MessageQueueService.class).create("watched", QueueOptions.of(64, 4));
        byte[] m = { 1, 2, 3 };
        q.send(m, 0, 3, 0);
        ipc.service(SyncService.class).createSemaphore("s", SemaphoreOptions.of(1), 0600).close();
        TreeMap<String, String> before = fingerprint(root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IpcStat.run(new String[] { "--root", root.toString(), "--json", "--interval", "0.05", "--count", "3" },
                new PrintStream(out, true), System.err);
        assertThat(fingerprint(root)).isEqualTo(before);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"time\":\"")
                .contains("{\"type\":\"queue\",\"name\":\"watched\",\"status\":\"OK\",\"capacity\":4,\"counters\":"
                        + "{\"messages_in\":1,\"messages_out\":0,\"bytes_in\":3,"));
        assertThat(lines.get(2)).contains("\"messages_in_per_second\":0.0");
        q.close();
    }

    @Test
    void badArgumentsSayWhatIsExpected() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(IpcStat.run(new String[] { "--interval", "soon" }, System.out, new PrintStream(err, true)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--interval expects a positive number, found 'soon'");
    }

    /**
     * A root named on the command line that is not there (a typo, another user's path): before,
     * an empty table ("0 objects") and exit 0, which reads as "nothing is in use".
     */
    @Test
    void aRootOrDurableRootNamedThatIsNoDirectoryIsAnError() throws Exception {
        Path missing = parent.resolve("no-such-root");
        Path file = Files.writeString(parent.resolve("a-file"), "x");
        String[][] runs = { { "--root", missing.toString() }, { "--root", file.toString() },
            { "--root", parent.toString(), "--durable-root", missing.toString() } };
        for (String[] args : runs) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(IpcStat.run(args, new PrintStream(out, true), new PrintStream(err, true))).as(String.join(" ", args))
                    .isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("is no directory", args[args.length - 1]);
            assertThat(out.size()).isZero();
        }
        assertThat(Files.exists(missing)).as("nothing made").isFalse();
    }

    @Test
    void helpPrintsTheUsageAndEveryOptionAndSucceeds() throws Exception {
        for (String help : new String[] { "--help", "-h" }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(IpcStat.run(new String[] { "--json", help }, new PrintStream(out, true), new PrintStream(err, true)))
                    .isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: ipc-stat")
                    .contains("--root DIR", "--durable-root DIR", "--json", "--interval SECONDS", "--count N");
            assertThat(err.size()).isZero();
        }
    }

    /** Every file and directory under the root: its content's digest, size, mode and modification time. */
    private static TreeMap<String, String> fingerprint(Path dir) throws Exception {
        TreeMap<String, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                String what = Files.getLastModifiedTime(p) + " " + Files.getPosixFilePermissions(p);
                if (Files.isRegularFile(p)) {
                    what += " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p)));
                }
                all.put(dir.relativize(p).toString(), what);
            }
        }
        return all;
    }
}
