package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * A client nobody here wrote: Python's socket module ({@code python/bridge_client.py}, written
 * from FrameDescriptor, HandshakeDescriptor and BridgeDescriptor alone) against a bridge on a
 * Unix socket and on TCP.
 */
class PythonClientTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Path script;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void findPythonAndScript() throws IOException, InterruptedException {
        Assumptions.assumeTrue(pythonAvailable(), "python3 is not on the PATH");
        script = tempDir.resolve("bridge_client.py");
        try (InputStream in = PythonClientTest.class.getResourceAsStream("/python/bridge_client.py")) {
            assertThat(in).as("test resource python/bridge_client.py").isNotNull();
            Files.copy(in, script);
        }
    }

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unix", "tcp"})
    @Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
    void aPythonClientSendsAndReceivesThroughTheBridge(String transport) throws Exception {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("orders",
                QueueOptions.of(128, 16).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("orders", endpoint(transport), OPEN)) {
            Process python = start(address(bridge), "exchange", "orders", "a@1", "b@7");
            BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));

            // The script has had both SENDs answered: both messages are in the queue.
            assertThat(readLine(out, python)).isEqualTo("sent 2");
            assertThat(local.attributes().currentMessages()).isEqualTo(2);
            byte[] buf = new byte[128];
            MessageInfo info = new MessageInfo();
            int n = local.tryReceive(buf, 0, buf.length, info);
            assertThat(info.priority()).isEqualTo(7);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("b");
            n = local.tryReceive(buf, 0, buf.length, info);
            assertThat(info.priority()).isEqualTo(1);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("a");
            assertThat(local.tryReceive(buf, 0, buf.length, info)).isEqualTo(MessageQueue.NO_MESSAGE);

            // Let the script RECEIVE (waiting forever) on the now empty queue: it must still wait.
            try (OutputStream in = python.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(python.waitFor(500, TimeUnit.MILLISECONDS))
                    .as("the script's RECEIVE on an empty queue returned; stderr: %s", stderr(python)).isFalse();

            local.send("from-java".getBytes(StandardCharsets.UTF_8), 0, 9, 3);
            assertThat(readLine(out, python)).isEqualTo("received 3 from-java");
            assertExitsWithZero(python);
            assertThat(local.attributes().currentMessages()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unix", "tcp"})
    @Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
    void aPythonHelloOfAnUnknownVersionIsRefusedAndTheBridgeServesOn(String transport) throws Exception {
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("jobs",
                QueueOptions.of(64, 4).withMode(0666));
        NetService net = ctx.service(NetService.class);
        try (Bridge bridge = net.exportQueue("jobs", endpoint(transport), OPEN)) {
            Process python = start(address(bridge), "bad-version");
            BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            String line = readLine(out, python);
            assertExitsWithZero(python);
            assertThat(line).startsWith("refused " + IpcError.PROTOCOL_ERROR.code() + " ").contains("99");

            try (MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "jobs", ConnectOptions.DEFAULTS)) {
                remote.send("still-here".getBytes(StandardCharsets.UTF_8), 0, 10, 5);
                byte[] buf = new byte[64];
                MessageInfo info = new MessageInfo();
                int n = local.receive(buf, 0, buf.length, info, Duration.ofSeconds(5));
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("still-here");
                assertThat(info.priority()).isEqualTo(5);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Endpoint endpoint(String transport) {
        return transport.equals("unix") ? Endpoint.unix("py-bridge") : Endpoint.tcp(0);
    }

    /** The script's form of the bridge's address. */
    private String address(Bridge bridge) {
        Endpoint e = bridge.endpoint();
        return switch (e.transport()) {
            case UNIX -> "unix:" + root.resolve("endpoint").resolve(e.path());
            case TCP -> "tcp:" + e.host() + ":" + e.port();
            default -> throw new IllegalStateException("no script address for " + e);
        };
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(List.of(args));
        Path err = tempDir.resolve("stderr-" + processes.size() + ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        processes.add(p);
        return p;
    }

    /** The script's next stdout line, waiting at most {@link #WAIT}; fails if the script ends first. */
    private String readLine(BufferedReader out, Process python) throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("the script ended without output; exit %s, stderr: %s",
                python.isAlive() ? "(running)" : python.exitValue(), stderr(python)).isNotNull();
        return line;
    }

    private void assertExitsWithZero(Process python) throws Exception {
        assertThat(python.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the script ended in time").isTrue();
        assertThat(python.exitValue()).as("exit status; stderr: %s", stderr(python)).isZero();
    }

    private String stderr(Process python) {
        try {
            return Files.readString(tempDir.resolve("stderr-" + processes.indexOf(python) + ".txt"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean pythonAvailable() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
