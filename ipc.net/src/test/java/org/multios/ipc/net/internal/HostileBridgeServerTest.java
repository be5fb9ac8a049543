package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.net.internal.bridge.BridgeDescriptor;

/**
 * The server side is a network peer too: a bridge that answers OPEN properly and then sends OK
 * replies too short for their operation (written by hand over a plain socket) must make each
 * operation fail with PROTOCOL_ERROR naming the queue, never with another exception.
 */
@Timeout(60)
class HostileBridgeServerTest extends NetTestSupport {
    private ServerSocket server;
    private Thread serving;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    /** Starts a bridge that answers every request but OPEN (and ACK) with an OK of {@code okBytes} of result. */
    private int startHostileBridge(int okBytes, boolean gotMessage) throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        serving = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    serve(s, okBytes, gotMessage);
                } catch (IOException ended) {
                    // the next connection, or the test is over
                }
            }
        }, "hostile-bridge");
        serving.start();
        return server.getLocalPort();
    }

    private static void serve(Socket s, int okBytes, boolean gotMessage) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = new BufferedOutputStream(s.getOutputStream());
        RawBridgePeer.readFrame(in); // HELLO
        ByteBuffer welcome = ByteBuffer.allocate(22).putInt(0x4D495043).putShort((short) 1).putShort((short) 0)
                .putInt(65_600).putLong(1).putShort((short) 0);
        write(out, 0, 2, welcome.array());
        while (true) {
            RawBridgePeer.RawFrame f;
            try {
                f = RawBridgePeer.readFrame(in);
            } catch (EOFException bye) {
                return;
            }
            if (f.kind() != 0 || f.type() == BridgeDescriptor.OP_CANCEL) {
                continue;
            }
            int id = ByteBuffer.wrap(f.payload()).getInt(0);
            ByteBuffer ok;
            if (f.type() == BridgeDescriptor.OP_OPEN || f.type() == BridgeDescriptor.OP_OPEN_SESSION) {
                ok = ByteBuffer.allocate(4 + 20 + 8).putInt(id).put((byte) 3).put((byte) 0).putShort((short) 0)
                        .putInt(1024).putInt(8).putInt(0).putShort((short) 0600).putShort((short) 0)
                        .put((byte) 0).put((byte) 0).putShort((short) 256).putInt(30_000);
            } else if (f.type() == BridgeDescriptor.OP_ACK || f.type() == BridgeDescriptor.OP_END) {
                ok = ByteBuffer.allocate(8).putInt(id).putInt(0);
            } else {
                ok = ByteBuffer.allocate(4 + okBytes).putInt(id);
                if (gotMessage && okBytes > 0) {
                    ok.put((byte) 1);
                }
            }
            write(out, BridgeDescriptor.REPLY_OK, 0, ok.array());
        }
    }

    /** Writes a frame to {@code out} and sends it. */
    private static void write(OutputStream out, int type, int kind, byte[] payload) throws IOException {
        RawBridgePeer.writeFrame(out, kind, type, 0, payload);
        out.flush();
    }

    private MessageQueue open(int port) {
        return net().openRemoteQueue(Endpoint.parse("tcp://127.0.0.1:" + port), "orders", ConnectOptions.DEFAULTS);
    }

    private static void assertProtocolError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.PROTOCOL_ERROR))
                .hasMessageContaining("queue 'orders'");
    }

    @Test
    void okRepliesWithoutTheirResultAreProtocolErrors() throws Exception {
        try (MessageQueue q = open(startHostileBridge(0, false))) {
            byte[] m = {1, 2, 3};
            assertProtocolError(() -> q.send(m, 0, m.length, 1));
            assertProtocolError(() -> q.trySend(m, 0, m.length, 1));
            assertProtocolError(() -> q.attributes());
            assertProtocolError(() -> q.tryReceive(new byte[64], 0, 64, null));
        }
    }

    @Test
    void aReceiveReplyShorterThanItsHeaderIsAProtocolError() throws Exception {
        try (MessageQueue q = open(startHostileBridge(3, true))) {
            assertProtocolError(() -> q.tryReceive(new byte[64], 0, 64, null));
            assertProtocolError(() -> q.attributes());
        }
    }
}
