package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * A broker that misbehaves (a {@link FakeBroker} driven by the test): one that never answers
 * CONNECT, one that answers it with garbage or with a packet header announcing 256 MiB, one
 * silent after its CONNACK, one that stops reading. The
 * bridge must end each such connection (the broker sees its socket closed), keep no thread of
 * it, try again, and close promptly.
 */
@Timeout(90)
class MisbehavingBrokerTest extends BridgeTestSupport {
    /** A PUBLISH header announcing 268 435 455 bytes (256 MiB), and nothing after it. */
    private static final byte[] HUGE = {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};

    private MqttBridge bridgeTo(FakeBroker broker, String clientId, String... more) {
        queue("out", 64);
        return bridge(MosquittoBridgeTest.append(new Object[] {"broker.uri", broker.uri(), "client.id", clientId,
            "mappings", "queue out out t/o 1", "reconnect.min.millis", "50", "reconnect.max.millis", "100"},
                (Object[]) more));
    }

    /** {@link #bridgeTo} a TLS broker, its certificate pinned. */
    private MqttBridge bridgeTo(FakeBroker broker, BrokerCertificate certificate, String clientId) {
        return bridgeTo(broker, clientId, "trust.certificates", certificate.pem().toString());
    }

    /** The client's connection to {@code s} was closed: the broker reads the end of the stream. */
    private static void assertClosedByTheClient(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        int read;
        try {
            do {
                read = FakeBroker.readPacket(s);
            } while (read >= 0);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client left its connection open", e);
        } catch (EOFException | SocketException | javax.net.ssl.SSLException e) {
            // closed in the middle of a packet, or reset
        }
    }

    /** The MQTT client threads of {@code clientId} end (all joined within 10 s). */
    private static void assertNoClientThreadLeft(String clientId) throws InterruptedException {
        List<Thread> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("MQTT") && t.getName().endsWith(": " + clientId)).toList();
        long end = System.nanoTime() + 10_000_000_000L;
        for (Thread t : left) {
            t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        assertThat(left.stream().filter(Thread::isAlive).map(t -> t.getName() + " at "
                + java.util.Arrays.toString(t.getStackTrace()))).as("client threads still alive")
                .isEmpty();
    }

    @Test
    void anAttemptTheBrokerNeverAnswersIsClosedBeforeTheNext() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MqttBridge b = bridgeTo(broker, "silent");
            Socket first = broker.accept(20);
            assertThat(FakeBroker.readPacket(first)).as("CONNECT").isEqualTo(0x10);

            Socket second = broker.accept(30);  // after the 10 s connect timeout

            assertClosedByTheClient(first);
            assertThat(b.status().lastError()).contains("Timed out");
            assertThat(FakeBroker.readPacket(second)).as("CONNECT again").isEqualTo(0x10);
            b.close();
            assertClosedByTheClient(second);
            assertNoClientThreadLeft("silent");
        }
    }

    @Test
    void closingDuringAnUnansweredConnectEndsTheAttempt() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MqttBridge b = bridgeTo(broker, "unanswered");
            Socket s = broker.accept(20);
            assertThat(FakeBroker.readPacket(s)).as("CONNECT").isEqualTo(0x10);

            b.close();

            assertClosedByTheClient(s);
            assertNoClientThreadLeft("unanswered");
            assertThat(b.status().state()).isEqualTo(BridgeState.STOPPED);
        }
    }

    /**
     * A broker that closes every connection as soon as it accepts it: the client's connecting
     * thread of each attempt must end (it waited for good when its reader stopped first).
     */
    @Test
    void aBrokerThatClosesEachConnectionAtOnceLeavesNoThreadPerAttempt() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MqttBridge b = bridgeTo(broker, "slam");
            for (int i = 0; i < 20; i++) {
                broker.accept(20).close();
            }

            b.close();

            assertNoClientThreadLeft("slam");
            assertThat(b.status().lastError()).isNotEmpty();
        }
    }

    /**
     * The same over TLS: the broker completes each handshake, then closes. A stop during an
     * attempt must not leave its connecting thread behind either.
     */
    @Test
    void aTlsBrokerThatClosesEachConnectionAfterItsHandshakeLeavesNoThreadPerAttempt() throws Exception {
        BrokerCertificate certificate = BrokerCertificate.make(root);
        try (FakeBroker broker = new FakeBroker(certificate.serverContext())) {
            MqttBridge b = bridgeTo(broker, certificate, "slam-tls");
            for (int i = 0; i < 20; i++) {
                try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) broker.accept(20)) {
                    s.startHandshake();
                }
            }

            b.close();

            assertNoClientThreadLeft("slam-tls");
            assertThat(b.status().lastError()).isNotEmpty();
        }
    }

    @Test
    void garbageForAConnackEndsTheConnectionAndTheBridgeTriesAgain() throws Exception {
        answerWith(new byte[] {0x00, 0x02, 0x7f, 0x7f}, "garbage", "Unrecognized packet");
    }

    @Test
    void aPacketAnnouncing256MiBEndsTheConnectionAndTheBridgeTriesAgain() throws Exception {
        answerWith(HUGE, "huge", "more than the bridge's maximum packet size");
    }

    /**
     * The same header over TLS ({@code ssl://}, the broker's certificate pinned): the bound
     * applies to the decrypted stream. Before, the client allocated the 256 MiB and the
     * connection stayed up until the keep-alive.
     */
    @Test
    void aPacketAnnouncing256MiBOverTlsEndsTheConnectionAndTheBridgeTriesAgain() throws Exception {
        BrokerCertificate certificate = BrokerCertificate.make(root);
        try (FakeBroker broker = new FakeBroker(certificate.serverContext())) {
            MqttBridge b = bridgeTo(broker, certificate, "huge-tls");
            answerWith(broker, b, HUGE, "huge-tls", "more than the bridge's maximum packet size", 30);
        }
    }

    /**
     * A broker whose certificate the bridge trusts (pinned) but which names another host: the
     * client checks the name as HTTPS does, through the bounded TLS sockets too, and sends nothing.
     */
    @Test
    void aTrustedCertificateForAnotherHostIsRefusedBeforeTheConnect() throws Exception {
        BrokerCertificate certificate = BrokerCertificate.make(root, "dns:broker.example");
        try (FakeBroker broker = new FakeBroker(certificate.serverContext())) {
            MqttBridge b = bridgeTo(broker, certificate, "other-host");
            for (int i = 0; i < 2; i++) {
                try (Socket s = broker.accept(20)) {
                    s.setSoTimeout(20_000);
                    int first;
                    try {
                        first = FakeBroker.readPacket(s);
                    } catch (IOException refused) {  // the client's alert, or its close, ends the handshake
                        first = -1;
                    }
                    assertThat(first).as("no CONNECT over a connection to another host").isEqualTo(-1);
                }
            }
            assertThat(b.status().state()).isNotEqualTo(BridgeState.CONNECTED);
            b.close();
            assertNoClientThreadLeft("other-host");
        }
    }

    /**
     * A broker silent after its CONNACK (it reads the client's pings and answers none): the
     * client's keep-alive (30 s) must end the connection, and the bridge connect again.
     */
    @Test
    @Timeout(150)
    void aBrokerSilentAfterItsConnackIsLeftAfterTheKeepAlive() throws Exception {
        answerWith(new byte[0], "mute", "");
    }

    /**
     * Answers the first CONNECT with {@code answer} (after a CONNACK, once the bridge is
     * connected, unless the answer is garbage), then expects the bridge to close that connection
     * and connect again, its last error containing {@code why}.
     */
    private void answerWith(byte[] answer, String clientId, String why) throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            answerWith(broker, bridgeTo(broker, clientId), answer, clientId, why, 120);
        }
    }

    /** As above, with a bridge to {@code broker}, which must connect again within {@code seconds}. */
    private static void answerWith(FakeBroker broker, MqttBridge b, byte[] answer, String clientId, String why,
            long seconds) throws Exception {
        Socket first = broker.accept(20);
        assertThat(FakeBroker.readPacket(first)).as("CONNECT").isEqualTo(0x10);
        OutputStream out = first.getOutputStream();
        if (answer.length == 0 || answer[0] != 0x00) {
            out.write(FakeBroker.CONNACK);
            out.flush();
            awaitConnected(b);
        }
        out.write(answer);
        out.flush();

        Socket second = broker.accept(seconds);

        assertClosedByTheClient(first);
        assertThat(FakeBroker.readPacket(second)).as("CONNECT again").isEqualTo(0x10);
        assertThat(b.status().lastError()).as("why the first connection ended").contains(why);
        b.close();
        assertClosedByTheClient(second);
        assertNoClientThreadLeft(clientId);
    }

    /**
     * A broker that stops reading after its CONNACK while the bridge publishes 400 messages of
     * 60 000 bytes (more than the sockets buffer): the client's sender blocks in its write. The
     * bridge's close must end that connection and its threads, and every message it took stays
     * in its durable store or in-flight queue for the next start.
     */
    @Test
    void aBrokerThatStopsReadingLosesNothingAndTheCloseEndsItsConnection() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MessageQueue q = closeLater(ipc.service(MessageQueueService.class).create("big",
                    QueueOptions.of(1 << 16, 64)));
            MqttBridge b = bridge("broker.uri", broker.uri(), "client.id", "deaf", "mappings", "queue big out t/o 1",
                    "max.message.size", "60000", "in.flight", "255", "store.messages", "256");
            Socket first = broker.accept(20);
            assertThat(FakeBroker.readPacket(first)).as("CONNECT").isEqualTo(0x10);
            first.getOutputStream().write(FakeBroker.CONNACK);
            awaitConnected(b);
            byte[] m = new byte[60_000];
            for (int i = 0; i < 400; i++) {
                q.send(m, 0, m.length, 0, Duration.ofSeconds(30));
            }
            BridgeStatus before = await(b, st -> st.stored() == 400 && st.inFlight() + st.queued() == 400, 30,
                    "all taken");

            b.close();

            assertThat(before.sent()).as("nothing acknowledged").isZero();
            assertClosedByTheClient(first);
            assertNoClientThreadLeft("deaf");
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            try (MessageQueue store = queues.open("mqtt.deaf"); MessageQueue inFlight = queues.open("mqtt.deaf.in-flight")) {
                assertThat(store.attributes().currentMessages() + inFlight.attributes().currentMessages())
                        .as("kept for the next start").isEqualTo(400);
            }
        }
    }
}
