package org.multios.ipc.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;

/**
 * Runs every example through the plain-Java bootstrap, with every mechanism on the class path
 * and an IPC root of its own (short, under /tmp, so that Unix socket paths fit), and checks
 * what it printed, what it achieved, and that it left no named object and no thread behind.
 */
class ExamplesTest {
    private Path root;
    private IpcContext ipc;

    @BeforeEach
    void open() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "ipcex");
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void close() throws IOException {
        ipc.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Runs the example, checks it cleaned up, and returns its lines. */
    private List<String> run(Example example) throws Exception {
        String text = Examples.run(example, ExampleServices.of(ipc));
        System.out.print("g! ipc:example " + example.name() + "\n" + text); // in target/surefire-reports
        assertThat(namedObjects()).as("named objects left behind").isEmpty();
        assertThat(exampleThreads()).as("threads left behind").isEmpty();
        return text.lines().toList();
    }

    private List<String> namedObjects() {
        return ipc.runtime().objects().stream().filter(o -> o.name().isPresent()).map(ObjectInfo::toString).toList();
    }

    private static List<String> exampleThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("ipc-example-")).toList();
    }

    @Test
    @Timeout(60)
    void channel() throws Exception {
        List<String> lines = run(new ChannelExample());
        assertThat(lines).anyMatch(l -> l.startsWith("server: created channel 'echo-"));
        assertThat(lines).contains("client: sent 'ping 1', got 'pong 1'", "client: sent 'ping 2', got 'pong 2'",
                "client: sent 'ping 3', got 'pong 3'", "server: answered 3 requests");
    }

    @Test
    @Timeout(60)
    void sharedMemory() throws Exception {
        List<String> lines = run(new SharedMemoryExample());
        assertThat(lines).contains("consumer: read 20 values, sum 2470", "counter in the segment: produced=20");
    }

    @Test
    @Timeout(60)
    void queuePriorities() throws Exception {
        List<String> lines = run(new QueuePrioritiesExample());
        assertThat(lines.stream().filter(l -> l.startsWith("received"))).containsExactly(
                "received priority 31: urgent order",
                "received priority 10: normal order",
                "received priority 10: second normal order",
                "received priority 1: routine order",
                "received priority 1: second routine order");
    }

    @Test
    @Timeout(60)
    void event() throws Exception {
        List<String> lines = run(new EventExample());
        assertThat(lines).contains("waiter 1 released with value 42", "waiter 2 released with value 42",
                "waiter 3 released with value 42", "after reset, signalled: false",
                "auto reset: first wait got 7, second wait got nothing");
    }

    @Test
    @Timeout(60)
    void pipe() throws Exception {
        List<String> lines = run(new PipeExample());
        assertThat(lines.stream().filter(l -> l.startsWith("unnamed pipe"))).containsExactly(
                "unnamed pipe: read 'line 1'", "unnamed pipe: read 'line 2'", "unnamed pipe: read 'line 3'",
                "unnamed pipe: end of stream");
        assertThat(lines).anyMatch(l -> l.matches("named pipe 'fifo-.*': read 'hello through a FIFO'"));
    }

    @Test
    @Timeout(60)
    void signal() throws Exception {
        List<String> lines = run(new SignalExample());
        assertThat(lines).anyMatch(l -> l.startsWith("handler got SIGUSR1 with value 42 from process "
                + ProcessHandle.current().pid()));
        assertThat(lines).anyMatch(l -> l.endsWith("pending: SIGUSR2=1, SIGRTMIN=10, SIGRTMIN=20, SIGRTMIN=30"));
        assertThat(lines.stream().filter(l -> l.startsWith("after unblock"))).containsExactly(
                "after unblock, handler got SIGUSR2 with value 1",
                "after unblock, handler got SIGRTMIN with value 10",
                "after unblock, handler got SIGRTMIN with value 20",
                "after unblock, handler got SIGRTMIN with value 30");
    }

    @Test
    @Timeout(60)
    void network() throws Exception {
        List<String> lines = run(new NetworkExample());
        // Frames of the TCP connection arrive with their types and priorities (their order may vary).
        assertThat(lines).contains("server: frame type 1, priority 0: temperature 21.5",
                "server: frame type 2, priority 10: door open", "server: frame type 3, priority 31: smoke alarm",
                "client: type 100 reply: ack smoke alarm");
        assertThat(lines).anyMatch(l -> l.startsWith("server: accepted peer ") && l.endsWith(", no token"));
        // What went through the bridge is received locally highest priority first.
        assertThat(lines.stream().filter(l -> l.startsWith("local queue"))).containsExactly(
                "local queue: priority 31: smoke alarm", "local queue: priority 10: door open",
                "local queue: priority 0: temperature 21.5");
    }

    @Test
    @Timeout(60)
    void coordination() throws Exception {
        List<String> lines = run(new CoordinationExample());
        assertThat(lines).contains("results: 10 received, sum 385; counter in the segment: 385");
        String inFlight = lines.stream().filter(l -> l.startsWith("in flight")).findFirst().orElseThrow();
        int seen = Integer.parseInt(inFlight.replaceAll(".*, (\\d+) seen", "$1"));
        assertThat(seen).isBetween(1, CoordinationExample.MAX_IN_FLIGHT);
        long jobs = lines.stream().filter(l -> l.startsWith("worker ")).mapToLong(
                l -> Long.parseLong(l.replaceAll("worker \\d+ did (\\d+) jobs", "$1"))).sum();
        assertThat(jobs).isEqualTo(CoordinationExample.JOBS);
    }

    @Test
    @Timeout(120)
    void everyExampleRunsAfterTheOthersInOneProcess() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (Example example : Examples.all()) {
                assertThat(run(example)).as(example.name()).isNotEmpty();
            }
        }
    }

    @Test
    void everyExampleHasAUniqueNameAndADescription() {
        assertThat(Examples.all()).hasSize(8).extracting(Example::name).doesNotHaveDuplicates().containsExactly(
                "channel", "shared-memory", "queue-priorities", "event", "pipe", "signal", "network", "coordination");
        assertThat(Examples.all()).allMatch(e -> !e.describe().isBlank());
        assertThat(Examples.named("queue-priorities")).containsInstanceOf(QueuePrioritiesExample.class);
        assertThat(Examples.named("nope")).isEmpty();
    }
}
