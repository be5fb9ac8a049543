package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;

@Timeout(30)
class StreamConnectionTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);

    @Test
    void framesCrossATcpConnectionWithTypeAndPriority() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                Connection client = net.connect(listener.endpoint());
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            client.send(7, "hello".getBytes(StandardCharsets.UTF_8), 0, 5, 3);
            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            assertThat(server.receive(buf, 0, buf.length, info, Duration.ofSeconds(10))).isEqualTo(7);
            assertThat(new String(buf, 0, info.length(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(info.priority()).isEqualTo(3);
            assertThat(server.peer().kind()).isEqualTo(ProcessKind.REMOTE);
            assertThat(server.isAuthenticated()).isFalse();
            server.send(9, new byte[0], 0, 0, 0);
            assertThat(client.receive(buf, 0, buf.length, info, Duration.ofSeconds(10))).isEqualTo(9);
            assertThat(info.length()).isZero();
        }
    }

    @Test
    void unixPeerIsIdentifiedByTheKernel() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.unix("echo"));
                Connection client = net.connect(Endpoint.unix("echo"));
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            assertThat(server.isAuthenticated()).isTrue();
            assertThat(server.peer().user()).isEqualTo(System.getProperty("user.name"));
            assertThat(server.peer().pid()).isEqualTo(ProcessHandle.current().pid());
            client.send(1, new byte[] {1, 2, 3}, 0, 3, 31);
            byte[] buf = new byte[3];
            MessageInfo info = new MessageInfo();
            assertThat(server.receive(buf, 0, 3, info)).isEqualTo(1);
            assertThat(buf).containsExactly(1, 2, 3);
        }
    }

    /** Linux takes the wildcard address as a target for this machine: no way past a rule on 127.0.0.1. */
    @Test
    void theWildcardAddressIsNoTargetToConnectTo() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN)) {
            int port = listener.endpoint().port();
            for (Endpoint wildcard : new Endpoint[] {Endpoint.tcp("0.0.0.0", port), Endpoint.parse("tcp://[::]:" + port),
                    Endpoint.parse("tcp://[0:0::0]:" + port)}) {
                assertIpcError(IpcError.INVALID_ARGUMENT, () -> net.connect(wildcard));
                assertIpcError(IpcError.INVALID_ARGUMENT, () -> net.openRemoteQueue(wildcard, "q",
                        org.multios.ipc.net.ConnectOptions.DEFAULTS));
            }
            assertThat(listener.tryAccept()).as("nothing reached the listener").isEmpty();
        }
    }

    @Test
    void tcpRequiresATokenByDefault() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0))) {
            assertIpcError(IpcError.PERMISSION_DENIED, () -> net.connect(listener.endpoint()));
        }
    }

    @Test
    void garbageCostsOnlyThatConnection() throws Exception {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN)) {
            try (Socket raw = new Socket("127.0.0.1", listener.endpoint().port())) {
                OutputStream out = raw.getOutputStream();
                out.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 1});
                out.flush();
                assertThat(raw.getInputStream().readAllBytes()).isNotEmpty();
            }
            try (Connection client = net.connect(listener.endpoint());
                    Connection server = listener.accept(Duration.ofSeconds(10))) {
                client.send(0, new byte[] {42}, 0, 1, 0);
                assertThat(server.receive(new byte[1], 0, 1, new MessageInfo(), Duration.ofSeconds(10))).isZero();
            }
        }
    }

    @Test
    void peerCloseLetsFramesDrainThenReportsClosed() {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                Connection server = acceptAfter(net, listener)) {
            byte[] buf = new byte[8];
            MessageInfo info = new MessageInfo();
            assertThat(server.receive(buf, 0, 8, info, Duration.ofSeconds(10))).isEqualTo(5);
            assertIpcError(IpcError.CLOSED, () -> server.receive(buf, 0, 8, info, Duration.ofSeconds(10)));
            assertIpcError(IpcError.BROKEN_PIPE, () -> server.send(0, buf, 0, 1, 0));
        }
    }

    private static Connection acceptAfter(NetService net, Listener listener) {
        try (Connection client = net.connect(listener.endpoint(), ConnectOptions.DEFAULTS)) {
            client.send(5, new byte[] {1}, 0, 1, 0);
        }
        return listener.accept(Duration.ofSeconds(10));
    }
}
