package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.net.internal.PythonBridgeClient.assertExitsWithZero;
import static org.multios.ipc.net.internal.PythonBridgeClient.readLine;
import static org.multios.ipc.net.internal.PythonBridgeClient.stderr;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
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
import org.multios.ipc.net.internal.PythonBridgeClient.Run;
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

    private PythonBridgeClient python;

    @BeforeEach
    void findPythonAndScript() throws IOException, InterruptedException {
        python = new PythonBridgeClient(tempDir, root);
    }

    @AfterEach
    void killLeftovers() {
        python.close();
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
            Run script = python.start(bridge, "exchange", "orders", "a@1", "b@7");

            // The script has had both SENDs answered: both messages are in the queue.
            assertThat(readLine(script)).isEqualTo("sent 2");
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
            try (OutputStream in = script.process().getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(script.process().waitFor(500, TimeUnit.MILLISECONDS))
                    .as("the script's RECEIVE on an empty queue returned; stderr: %s", stderr(script)).isFalse();

            local.send("from-java".getBytes(StandardCharsets.UTF_8), 0, 9, 3);
            assertThat(readLine(script)).isEqualTo("received 3 from-java");
            assertExitsWithZero(script);
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
            Run script = python.start(bridge, "bad-version");
            String line = readLine(script);
            assertExitsWithZero(script);
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

    private static Endpoint endpoint(String transport) {
        return transport.equals("unix") ? Endpoint.unix("py-bridge") : Endpoint.tcp(0);
    }
}
