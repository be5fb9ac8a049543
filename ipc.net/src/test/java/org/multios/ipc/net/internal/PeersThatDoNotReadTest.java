package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.bridge.BridgeDescriptor;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * A bridge peer that asks and never reads the answers costs the gateway only its own
 * connection: its requests are read no more once its replies fill their budget, it is dropped
 * (and audited) when it takes nothing for the output-stall timeout, nothing more of it is read
 * once it was dropped, and meanwhile the reactor serves everyone else.
 */
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class PeersThatDoNotReadTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false)
            .withMaxConnections(8);
    private static final int FLOOD_REQUESTS = 250_000;
    private static final int FLOOD_CAP = 20_000_000;
    private static final Duration STALL = Duration.ofSeconds(3);
    private static final Duration ROUND_TRIP_LIMIT = Duration.ofSeconds(5);
    private static final Duration TRICKLE_STALL = Duration.ofSeconds(10);
    private static final int TRICKLE_BYTES = 3072;
    private static final int TRICKLE_MILLIS = 100;

    @Test
    void aFlooderThatNeverReadsIsReadNoMoreAndDroppedWhileAnotherBridgeServesItsClient() throws Exception {
        IpcContext ctx = context(NetSettings.DEFAULTS.withOutputStallTimeout(STALL));
        MessageQueueService queues = ctx.service(MessageQueueService.class);
        queues.create("flooded", QueueOptions.of(128, 16).withMode(0666));
        queues.create("calm", QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge flooded = net.exportQueue("flooded", Endpoint.tcp(0), OPEN);
                Bridge calm = net.exportQueue("calm", Endpoint.tcp(0), OPEN);
                MessageQueue client = net.openRemoteQueue(calm.endpoint(), "calm", ConnectOptions.DEFAULTS)) {
            AtomicInteger written = new AtomicInteger();
            AtomicReference<Throwable> flooderEnd = new AtomicReference<>();
            CountDownLatch flooding = new CountDownLatch(1);
            List<Long> roundTrips = new ArrayList<>();
            AtomicInteger writtenWhenDropped = new AtomicInteger(-1);
            List<String> audit = auditLinesOf(() -> {
                Thread flooder = new Thread(() -> flood(flooded.endpoint().port(), written, flooding, flooderEnd),
                        "test-flooder");
                flooder.start();
                assertThat(flooding.await(20, TimeUnit.SECONDS)).as("the flooder completed its handshake").isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                byte[] message = {1, 2, 3};
                byte[] buf = new byte[128];
                MessageInfo info = new MessageInfo();
                while (flooder.isAlive() || flooded.connectionCount() > 0) {
                    if (writtenWhenDropped.get() < 0 && flooded.connectionCount() == 0) {
                        writtenWhenDropped.set(written.get());
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        String connections = ((BridgeServer) flooded).describeConnections();
                        int writtenThen = written.get();
                        TimeUnit.SECONDS.sleep(1); // a second look: nothing may move in between
                        boolean stillStalled = writtenThen == written.get()
                                && connections.equals(((BridgeServer) flooded).describeConnections());
                        String sockets = tcpSockets(flooded.endpoint().port());
                        assumeFalse(stillStalled && kernelStalled(connections, sockets, flooded.endpoint().port()),
                                "the kernel stalled the flooder's TCP connection before its replies reached the "
                                + "bridge's budget (the bridge had read every byte the kernel received and had "
                                + "nothing to write; see RELIABILITY.md): " + connections + "; " + sockets);
                        fail("the flooder was not dropped in time (%d requests written, %s, %s; %s; the kernel's "
                                + "view of the sockets: %s)", written.get(), flooderEnd.get(),
                                ((BridgeServer) flooded).outputBudget(), connections, sockets);
                    }
                    long start = System.nanoTime();
                    client.send(message, 0, message.length, 1, ROUND_TRIP_LIMIT);
                    assertThat(client.receive(buf, 0, buf.length, info, ROUND_TRIP_LIMIT)).isEqualTo(3);
                    roundTrips.add(System.nanoTime() - start);
                }
                flooder.join(TimeUnit.SECONDS.toMillis(20));
            });
            OutputBudget budget = ((BridgeServer) flooded).outputBudget();
            long p99 = percentile(roundTrips, 0.99);
            System.out.printf("flood: %d requests pipelined at once; %d written whole before the connection broke; "
                    + "%d round trips "
                    + "on the other bridge meanwhile, p99 %.2f ms, max %.2f ms; reply queue high water %d bytes "
                    + "(budget %d, hard limit %d); the flooder ended with %s%n", FLOOD_REQUESTS, written.get(),
                    roundTrips.size(), p99 / 1e6, percentile(roundTrips, 1.0) / 1e6, budget.highWater(),
                    budget.budget(), budget.hardLimit(), flooderEnd.get());
            assertThat(flooderEnd.get()).as("the flooder's connection was dropped under it")
                    .isInstanceOf(IOException.class);
            assertThat(written.get()).as("nothing of the flooder was read once it was dropped: its writes waited "
                    + "until the socket closed").isEqualTo(writtenWhenDropped.get());
            assertThat(roundTrips).as("the other bridge's client was served while the flood lasted").isNotEmpty();
            assertThat(budget.highWater()).as("replies queued reached the budget, and stayed within it but for "
                    + "the requests in flight").isGreaterThanOrEqualTo(budget.budget())
                    .isLessThanOrEqualTo(budget.budget() + (NetSettings.DEFAULTS.requestsInFlight() + 1L) * 64);
            assertThat(audit).as("the drop is audited").anySatisfy(line -> assertThat(line).contains("DROPPED")
                    .containsPattern("took (no byte|\\d+ of the \\d+ bytes that waited)"));
            assertThat(reactorFaults()).as("the reactor thread never tripped an assertion").isZero();
        }
    }

    /**
     * Handshakes, opens, then pipelines {@link #FLOOD_REQUESTS} STATUS requests at once and goes
     * on writing more, never reading a reply, until the connection breaks (or
     * {@link #FLOOD_CAP} requests went: far more than the kernel's buffers hold, so the bridge
     * read them).
     */
    private static void flood(int port, AtomicInteger written, CountDownLatch flooding,
            AtomicReference<Throwable> end) {
        try (RawBridgePeer peer = new RawBridgePeer(port, 1024)) {
            peer.open(1, "flooded");
            flooding.countDown();
            int id = 2;
            for (int batch = FLOOD_REQUESTS; written.get() < FLOOD_CAP; batch = 1000) {
                for (int i = 0; i < batch; i++) {
                    peer.status(id++);
                }
                peer.flush();
                written.addAndGet(batch);
            }
            end.set(new AssertionError("all " + FLOOD_CAP + " requests were taken: the bridge read them all"));
        } catch (IOException | RuntimeException e) {
            end.set(e);
        } finally {
            flooding.countDown();
        }
    }

    /**
     * Whether the flooded connection is stalled in the kernel, not in the bridge: the bridge holds
     * no reading, has decoded all it read, has nothing to write and no request in flight, the
     * kernel holds no byte for it to read (the server socket's Recv-Q is 0), and the flooder's
     * own socket still holds bytes it could not send (its Send-Q, toward the bridge's port, is
     * above 0). Seen on Linux 6.17 and later when a peer's receive window is below one loopback
     * segment: the bridge's replies (and the ACKs they carry) are dropped beyond the peer's window,
     * so the peer's own sending stalls before the replies reach the budget that would drop it.
     */
    private static boolean kernelStalled(String connections, String sockets, int port) {
        boolean bridgeHasNothingToDo = connections.contains("reading holds 0,") && connections.contains(" 0 undecoded")
                && connections.contains(" 0 bytes wait to be written") && connections.contains(" 0 requests in flight");
        List<String[]> established = sockets.lines().map(line -> line.trim().split("\\s+"))
                .filter(f -> f.length > 4 && f[0].equals("ESTAB")).toList();
        boolean nothingToRead = established.stream()
                .anyMatch(f -> f[3].endsWith(":" + port) && f[1].equals("0"));
        boolean flooderCannotSend = established.stream()
                .anyMatch(f -> f[4].endsWith(":" + port) && !f[2].equals("0"));
        return bridgeHasNothingToDo && nothingToRead && flooderCannotSend;
    }

    /**
     * What the kernel says of the TCP sockets on {@code port} (queues, windows, retransmissions:
     * {@code ss -tnmi}), or why it cannot be told.
     */
    private static String tcpSockets(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-tnmi", "( sport = :" + port + " or dport = :" + port + " )")
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return ss.waitFor(10, TimeUnit.SECONDS) ? out : "ss did not finish: " + out;
        } catch (IOException e) {
            return "ss is not available: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * A peer that reads, but slowly: it pipelines STATUS requests and takes {@value #TRICKLE_BYTES}
     * bytes of its replies every {@value #TRICKLE_MILLIS} ms, so the socket takes some of its
     * replies every little while and yet the budget's worth waits. The old rule (any byte taken
     * is progress) kept it, and its replies, until the idle timeout (none here); now it must take,
     * within the output-stall timeout, all that waited for it when the clock started. Over a Unix
     * socket, whose buffers the kernel does not grow: over TCP a send buffer grown to megabytes
     * hides such a trickle from the socket for longer than the timeout, under either rule.
     */
    @Test
    void aPeerThatTricklesItsReadsIsDroppedThoughItTakesBytesNowAndThen() throws Exception {
        IpcContext ctx = context(new NetSettings(Duration.ZERO, TRICKLE_STALL, 8, 128, 256, 1024));
        ctx.service(MessageQueueService.class).create("trickled", QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("trickled", Endpoint.unix("trickled"), OPEN);
                RawBridgePeer peer = RawBridgePeer.unix(root.resolve("endpoint").resolve("trickled"))) {
            peer.open(1, "trickled");
            peer.flush();
            AtomicReference<Throwable> writerEnd = new AtomicReference<>();
            AtomicLong taken = new AtomicLong();
            AtomicLong takenWhenDropped = new AtomicLong(-1);
            long start = System.nanoTime();
            List<String> audit = auditLinesOf(() -> {
                Thread writer = new Thread(() -> pipelineStatus(peer, writerEnd), "test-trickler-writer");
                Thread reader = new Thread(() -> trickle(peer, taken), "test-trickler-reader");
                writer.start();
                reader.start();
                long deadline = start + TimeUnit.SECONDS.toNanos(60);
                while (bridge.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
                    TimeUnit.MILLISECONDS.sleep(50); // polls the bridge; the peer's pace is its own
                }
                takenWhenDropped.set(taken.get());
                peer.close();
                writer.join(TimeUnit.SECONDS.toMillis(20));
                reader.join(TimeUnit.SECONDS.toMillis(20));
            });
            System.out.printf("trickle: %d reply bytes taken in %.1f s before the drop; the writer ended with %s%n",
                    takenWhenDropped.get(), (System.nanoTime() - start) / 1e9, writerEnd.get());
            assertThat(bridge.connectionCount()).as("the trickling peer was dropped within 60 s (the output-stall "
                    + "timeout is %s)", TRICKLE_STALL).isZero();
            assertThat(takenWhenDropped.get()).as("the peer took bytes meanwhile").isPositive();
            assertThat(audit).as("the drop is audited, with what the peer took").anySatisfy(line -> assertThat(line)
                    .contains("DROPPED").contains("bytes that waited for it"));
            assertThat(reactorFaults()).as("the reactor thread never tripped an assertion").isZero();
        }
    }

    /** Writes STATUS requests in batches until the connection breaks. */
    private static void pipelineStatus(RawBridgePeer peer, AtomicReference<Throwable> end) {
        try {
            for (int id = 2; id < FLOOD_CAP;) {
                for (int i = 0; i < 1000; i++) {
                    peer.status(id++);
                }
                peer.flush();
            }
            end.set(new AssertionError("all " + FLOOD_CAP + " requests were taken"));
        } catch (IOException | RuntimeException e) {
            end.set(e);
        }
    }

    /** Takes {@link #TRICKLE_BYTES} bytes every {@link #TRICKLE_MILLIS} ms until the end of the stream. */
    private static void trickle(RawBridgePeer peer, AtomicLong taken) {
        byte[] buffer = new byte[TRICKLE_BYTES];
        try {
            InputStream in = peer.input();
            for (int n; (n = in.read(buffer)) >= 0;) {
                taken.addAndGet(n);
                TimeUnit.MILLISECONDS.sleep(TRICKLE_MILLIS); // the peer's pace: what the test is about
            }
        } catch (IOException e) {
            // closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPeerBeyondItsRequestsInFlightIsAnsweredLimitExceededAndOthersOnTheBridgeAreServed() throws Exception {
        int cap = 4;
        int asked = 30;
        IpcContext ctx = context(new NetSettings(Duration.ZERO, STALL, 8, cap, 256, 1024));
        ctx.service(MessageQueueService.class).create("empty", QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("empty", Endpoint.tcp(0), OPEN);
                RawBridgePeer greedy = new RawBridgePeer(bridge.endpoint().port(), 0)) {
            greedy.open(1, "empty");
            greedy.flush();
            assertThat(greedy.read().type()).as("OPEN is answered OK").isEqualTo(BridgeDescriptor.REPLY_OK);
            for (int id = 2; id < 2 + asked; id++) {
                greedy.receive(id, 64, -1);
            }
            greedy.flush();
            for (int refused = 0; refused < asked - cap; refused++) {
                RawBridgePeer.RawFrame reply = greedy.read();
                assertThat(reply.type()).isEqualTo(BridgeDescriptor.REPLY_ERROR);
                assertThat(reply.errorCode()).isEqualTo(IpcError.LIMIT_EXCEEDED.code());
                assertThat(reply.errorText()).contains("at most " + cap + " requests");
            }
            try (MessageQueue other = net.openRemoteQueue(bridge.endpoint(), "empty", ConnectOptions.DEFAULTS)) {
                other.send(new byte[] {5}, 0, 1, 0, ROUND_TRIP_LIMIT);
                RawBridgePeer.RawFrame got = greedy.read();
                if (got.type() == BridgeDescriptor.REPLY_ERROR) {
                    // OPEN counts until its reply is handed over, which may be after the client read it
                    assertThat(got.errorText()).contains("at most " + cap + " requests");
                    got = greedy.read();
                }
                assertThat(got.type()).as("a receive of the greedy peer got the message")
                        .isEqualTo(BridgeDescriptor.REPLY_OK);
            }
        }
    }

    private static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
}
