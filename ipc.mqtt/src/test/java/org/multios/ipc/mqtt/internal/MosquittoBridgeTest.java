package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;

/**
 * Bridges against a real Mosquitto (TLS, passwords and a client certificate made by the test),
 * with Debian's mosquitto_pub and mosquitto_sub as the foreign clients.
 */
@Timeout(120)
class MosquittoBridgeTest extends BrokerTestSupport {
    private Object[] tls(String client, String... mappings) {
        return new Object[] {"broker.uri", broker.sslUri(), "client.id", client, "username", Mosquitto.USER,
            "password", Mosquitto.PASSWORD, "trust.certificates", broker.caFile().toString(), "mappings", mappings,
            "reconnect.min.millis", "100", "reconnect.max.millis", "1000"};
    }

    @Test
    void foreignClientsExchangeMessagesWithGatewayQueues() throws Exception {
        MessageQueue in = queue("from-broker", 16);
        MessageQueue out = queue("to-broker", 16);
        MqttBridge bridge = bridge(tls("gw-a", "queue from-broker in test/in/# 1", "queue to-broker out test/out 1"));
        awaitConnected(bridge);
        Process sub = broker.subscribe("-i", "tool-sub", "-t", "test/out", "-q", "1", "-C", "2");
        broker.awaitLog("tool-sub 1 test/out", 20);

        send(out, "urgent", 9);
        send(out, "routine", 2);
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_sub got two messages").isTrue();
        List<String> lines = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("ipc-priority:9").containsPattern("ipc-sender:os-process \\d+ pid \\d+")
                .contains("ipc-bridge:gw-a").endsWith("|urgent");
        assertThat(lines.get(1)).contains("ipc-priority:2").endsWith("|routine");

        broker.publish("-t", "test/in/x", "-q", "1", "-m", "from-tool", "-D", "publish", "user-property",
                "ipc-priority", "7");
        broker.publish("-t", "test/in/y", "-q", "1", "-m", "no-priority");
        assertThat(receive(in)).isEqualTo("from-tool@7");
        assertThat(receive(in)).isEqualTo("no-priority@0");
        // a message counts as sent when the broker's acknowledgement reaches the bridge, which may
        // come after mosquitto_sub printed it, and as received once its delivery returned, which may
        // come after the receiver here took it
        BridgeStatus s = await(bridge, st -> st.sent() >= 2 && st.received() >= 2, 20,
                "both messages acknowledged and both inbound counted");
        assertThat(s.sent()).isEqualTo(2);
        assertThat(s.received()).isEqualTo(2);
        assertThat(s.dropped()).isZero();
    }

    @Test
    void aWebSocketBrokerUriCarriesMessagesBothWays() throws Exception {
        MessageQueue in = queue("from-broker", 16);
        MessageQueue out = queue("to-broker", 16);
        MqttBridge bridge = bridge("broker.uri", broker.wsUri(), "client.id", "gw-ws", "username", Mosquitto.USER,
                "password", Mosquitto.PASSWORD, "mappings", new String[] {"queue from-broker in test/ws/in 1",
                    "queue to-broker out test/ws/out 1"});
        awaitConnected(bridge);
        assertThat(bridge.status().broker()).startsWith("ws://");
        Process sub = broker.subscribe("-i", "tool-sub-ws", "-t", "test/ws/out", "-q", "1", "-C", "1");
        broker.awaitLog("tool-sub-ws 1 test/ws/out", 20);

        send(out, "over-websocket", 5);
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_sub got the message").isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .contains("ipc-priority:5").contains("ipc-bridge:gw-ws").endsWith("|over-websocket");
        broker.publish("-t", "test/ws/in", "-q", "1", "-m", "back-over-websocket");
        assertThat(receive(in)).isEqualTo("back-over-websocket@0");
        assertThat(await(bridge, st -> st.sent() >= 1, 20, "the message acknowledged").sent()).isEqualTo(1);
    }

    @Test
    void hostileInboundMessagesAreCountedAndDroppedWithoutHarm() throws Exception {
        MessageQueue in = queue("from-broker", 16);
        MqttBridge bridge = bridge(append(tls("gw-b", "queue from-broker in test/in 1"), "max.message.size", "64"));
        awaitConnected(bridge);
        broker.publish("-t", "test/in", "-q", "1", "-m", "bad-priority", "-D", "publish", "user-property",
                "ipc-priority", "abc");
        broker.publish("-t", "test/in", "-q", "1", "-m", "out-of-range", "-D", "publish", "user-property",
                "ipc-priority", "32");
        broker.publish("-t", "test/in", "-q", "1", "-m", "x".repeat(65));
        broker.publish("-t", "test/in", "-q", "1", "-m", "first-copy", "-D", "publish", "user-property", "ipc-id",
                "feed-1");
        broker.publish("-t", "test/in", "-q", "1", "-m", "second-copy", "-D", "publish", "user-property", "ipc-id",
                "feed-1");
        broker.publish("-t", "test/in", "-q", "1", "-m", "x".repeat(64), "-D", "publish", "user-property",
                "ipc-priority", "31");

        BridgeStatus s = await(bridge, st -> st.dropped() == 4 && st.received() == 2, 20, "4 dropped, 2 received");
        assertThat(receive(in)).isEqualTo("x".repeat(64) + "@31");
        assertThat(receive(in)).isEqualTo("first-copy@0");
        assertThat(s.malformed()).isEqualTo(2);
        assertThat(s.oversized()).isEqualTo(1);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(2);
        assertThat(s.state()).isEqualTo(BridgeState.CONNECTED);
        assertThat(in.tryReceive(new byte[100], 0, 100, null)).isEqualTo(-1);
    }

    @Test
    void aPacketFarOverTheMaximumNeverReachesTheBridge() throws Exception {
        MessageQueue in = queue("from-broker", 16);
        MqttBridge bridge = bridge(append(tls("gw-big", "queue from-broker in test/in 1"), "max.message.size", "64"));
        awaitConnected(bridge);
        // the client reads a whole packet into one array before anything looks at it: 4 MiB here,
        // up to 256 MiB from any publisher unless the broker is told the bridge's maximum
        Path big = brokerDir.resolve("big.bin");
        java.nio.file.Files.write(big, new byte[4 << 20]);
        broker.publish("-t", "test/in", "-q", "1", "-f", big.toString());
        broker.publish("-t", "test/in", "-q", "1", "-m", "x".repeat(65));
        broker.publish("-t", "test/in", "-q", "1", "-m", "after");

        assertThat(receive(in)).isEqualTo("after@0");
        BridgeStatus s = await(bridge, st -> st.received() == 1 && st.oversized() >= 1, 20, "1 received, 1 oversized");
        assertThat(s.oversized()).as("only the 65-byte message reached the bridge").isEqualTo(1);
        assertThat(s.state()).isEqualTo(BridgeState.CONNECTED);
    }

    @Test
    void anInboundQueueFullPastTheTimeoutLosesNothing() throws Exception {
        MessageQueue in = queue("from-broker", 1);
        MqttBridge bridge = bridge(append(tls("gw-full", "queue from-broker in test/in 1"),
                "inbound.timeout.millis", "200"));
        awaitConnected(bridge);
        for (int i = 0; i < 3; i++) {
            broker.publish("-t", "test/in", "-q", "1", "-m", "m" + i, "-D", "publish", "user-property", "ipc-id",
                    "full-" + i);
        }
        // the queue takes one; the next finds no room past the timeout and is held, unacknowledged
        await(bridge, st -> st.received() == 1 && st.held() > 0, 20, "the second message held");
        assertThat(receive(in)).isEqualTo("m0@0");
        assertThat(receive(in)).isEqualTo("m1@0");
        assertThat(receive(in)).isEqualTo("m2@0");
        BridgeStatus s = await(bridge, st -> st.received() == 3 && st.held() == 0, 20, "3 received");
        assertThat(s.dropped()).isZero();
    }

    /**
     * The client takes a QoS 2 message over from the broker (PUBREC) before the bridge sees it, so
     * the broker never sends it again: one its object had no room for must be kept by the bridge,
     * and what comes after it, of QoS 1 or 2, must not overtake it.
     */
    @Test
    void qos2MessagesAnObjectHadNoRoomForAreHeldAndNothingOvertakesThem() throws Exception {
        MessageQueue in = queue("from-broker", 1);
        MqttBridge bridge = bridge(append(tls("gw-held", "queue from-broker in test/in 2"),
                "inbound.timeout.millis", "200"));
        awaitConnected(bridge);
        broker.publish("-t", "test/in", "-q", "2", "-m", "m0");
        broker.publish("-t", "test/in", "-q", "2", "-m", "m1");
        await(bridge, st -> st.received() == 1 && st.held() == 1, 20, "m0 taken, m1 held");
        broker.publish("-t", "test/in", "-q", "1", "-m", "m2", "-D", "publish", "user-property", "ipc-id", "held-2");
        broker.publish("-t", "test/in", "-q", "2", "-m", "m3");
        broker.publish("-t", "test/in", "-q", "2", "-m", "m4", "-D", "publish", "user-property", "ipc-id", "held-4");
        await(bridge, st -> st.held() == 4, 20, "m1 to m4 held");

        for (int i = 0; i < 5; i++) {
            assertThat(receive(in)).isEqualTo("m" + i + "@0");
        }
        BridgeStatus s = await(bridge, st -> st.received() == 5 && st.held() == 0, 20, "5 received, none held");
        assertThat(s.dropped()).isZero();
        assertThat(s.connections()).as("nothing needed a reconnect").isEqualTo(1);
    }

    /**
     * QoS 2 messages held for a full object when the bridge stops (a configuration change, an
     * upgrade) wait in its held journal: the next start delivers them first, in order, once each,
     * and the broker's session goes on without a reconnect loop. They were lost before: the client
     * had answered PUBREC, so the broker never sends them again.
     */
    @Test
    void qos2MessagesHeldWhenTheBridgeStopsAreDeliveredAfterItsRestart() throws Exception {
        MessageQueue in = queue("from-broker", 1);
        Object[] config = append(tls("gw-restart", "queue from-broker in test/in 2"), "inbound.timeout.millis", "200");
        MqttBridge first = new MqttBridge(settings(config), ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class));
        try {
            first.start();
            awaitConnected(first);
            for (int i = 0; i < 5; i++) {
                broker.publish("-t", "test/in", "-q", "2", "-m", "m" + i);
            }
            await(first, st -> st.received() == 1 && st.held() == 4, 20, "m0 taken, m1 to m4 held");
        } finally {
            first.close();
        }
        assertThat(first.status().dropped()).as("nothing counted lost").isZero();

        MqttBridge second = bridge(config);
        for (int i = 0; i < 5; i++) {
            assertThat(receive(in)).isEqualTo("m" + i + "@0");
        }
        BridgeStatus s = await(second, st -> st.received() == 4 && st.held() == 0
                && st.state() == BridgeState.CONNECTED, 20, "4 received after the restart, none held");
        broker.publish("-t", "test/in", "-q", "2", "-m", "after");
        assertThat(receive(in)).as("the session goes on").isEqualTo("after@0");
        assertThat(leftOver(in)).as("no message twice (%s)", second.status()).isEqualTo("nothing");
        assertThat(s.dropped()).isZero();
        assertThat(second.status().connections()).as("one connection after the restart").isEqualTo(1);
    }

    /**
     * A consumer stops reading for longer than the client's ping timeout (keep-alive 30 s, answer
     * due within 1.5 of it) while QoS 2 messages flood in: the line fills, the client stops reading,
     * its pings go unanswered and its connection ends. The client had answered PUBREC for the
     * messages it queued for its waiting callback thread (10), and drops them as the connection
     * ends: they were lost. Now the client's reader waits before it takes over a QoS 2 message, so
     * the broker keeps them and sends them again: each message arrives once, in order.
     */
    @Test
    @Timeout(300)
    void aConsumerStoppedPastThePingTimeoutLosesNoQos2Message() throws Exception {
        int n = HeldMessages.MAX + 82;  // past the line, the 10 the client queues for its callback and more
        MessageQueue in = queue("from-broker", 1);
        MqttBridge bridge = bridge(append(tls("gw-stall", "queue from-broker in test/in 2"),
                "inbound.timeout.millis", "50"));
        awaitConnected(bridge);
        broker.publishLines(IntStream.range(0, n).mapToObj(i -> "m" + i).toList(), "-t", "test/in", "-q", "2");
        await(bridge, st -> st.held() >= HeldMessages.MAX, 60, "the line full");
        await(bridge, st -> st.state() != BridgeState.CONNECTED, 150, "the connection ended by the ping timeout");

        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(receive(in));
        }
        assertThat(got).as("each message once").containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, n).mapToObj(i -> "m" + i + "@0").toList());
        assertInOrder(got, n + " messages");
        BridgeStatus s = await(bridge, st -> st.held() == 0 && st.state() == BridgeState.CONNECTED, 60,
                "none held, connected");
        assertThat(s.dropped()).isZero();
        assertThat(s.received()).isEqualTo(n);
        assertThat(in.attributes().currentMessages()).as("no message twice").isZero();
    }

    /**
     * The broker's PUBREL of each QoS 2 message is answered with one PUBCOMP. The bridge also called
     * the client's {@code messageArrivedComplete} for each delivered one, which sends a second: a
     * PUBCOMP for a packet id the broker no longer knows, which Mosquitto 2.0 counts as room in the
     * window of messages in flight that is not there (see the next test).
     */
    @Test
    void eachQos2MessageIsCompletedWithOnePubcomp() throws Exception {
        broker.restartLoggingPackets();
        MessageQueue in = queue("from-broker", 16);
        MqttBridge bridge = bridge(tls("gw-comp", "queue from-broker in test/in 2"));
        awaitConnected(bridge);
        for (int i = 0; i < 3; i++) {
            broker.publish("-t", "test/in", "-q", "2", "-m", "m" + i);
            assertThat(receive(in)).isEqualTo("m" + i + "@0");
        }
        broker.awaitLog("Received PUBCOMP from gw-comp (Mid: 3,", 20);
        for (int mid = 1; mid <= 3; mid++) {
            String pubcomp = "Received PUBCOMP from gw-comp (Mid: " + mid + ",";
            assertThat(broker.log().lines().filter(l -> l.contains(pubcomp)).count()).as(pubcomp).isEqualTo(1);
        }
        // without that PUBCOMP the client keeps each packet id's last packet: the delivered ones are emptied
        Map<?, ?> kept = inboundQos2Packets(bridge.connectedClient());
        assertThat(kept).hasSize(3);
        for (Object packet : kept.values()) {
            MqttPublish p = (MqttPublish) packet;
            assertThat(p.getPayload()).as("payload kept by the client").isEmpty();
            assertThat(p.getTopicName()).isEmpty();
        }
    }

    /** Paho's map of the QoS 2 packets a client took over and has not forgotten (its internals, read reflectively). */
    private static Map<?, ?> inboundQos2Packets(MqttAsyncClient client) throws ReflectiveOperationException {
        Object comms = field(MqttAsyncClient.class, "comms").get(client);
        Object state = field(comms.getClass(), "clientState").get(comms);
        return (Map<?, ?>) field(state.getClass(), "inboundQoS2").get(state);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /**
     * One publisher's QoS 2 messages into a queue of 1: the held line fills and the client's reader
     * waits, so the broker keeps the next ones in flight or queued (its window is 100). One is
     * taken, the reader takes over one more and waits again; then the same publisher sends one
     * more. It must come last. The bridge answered each delivered QoS 2 message with a second
     * PUBCOMP, sent as the reader came to its next message; Mosquitto 2.0 counted it as room in the
     * window and sent the last message at once, ahead of the queued ones (on the old code m624
     * came ahead of m520 to m623, or m524 to m623, in each run).
     */
    @Test
    @Timeout(120)
    void aMessageAfterTheBrokersWindowFilledComesAfterTheMessagesQueuedBeforeIt() throws Exception {
        int first = HeldMessages.MAX + 200;  // the line, the client's 10, the broker's window and more
        int queued = 200;  // more than the room the broker's window may have left: the rest is queued
        int n = first + queued + 1;
        MessageQueue in = queue("from-broker", 1);
        MqttBridge bridge = bridge(append(tls("gw-window", "queue from-broker in test/in 2"),
                "inbound.timeout.millis", "50"));
        awaitConnected(bridge);
        List<String> got = new ArrayList<>();
        try (Mosquitto.LinePublisher publisher = broker.linePublisher("-t", "test/in", "-q", "2")) {
            publisher.publish(IntStream.range(0, first).mapToObj(i -> "m" + i).toList());
            publisher.awaitCompleted(first);
            long received = await(bridge, st -> st.held() >= HeldMessages.MAX, 30, "the line full").received();
            publisher.publish(IntStream.range(first, first + queued).mapToObj(i -> "m" + i).toList());
            publisher.awaitCompleted(first + queued);
            got.add(receive(in));
            await(bridge, st -> st.received() > received && st.held() >= HeldMessages.MAX, 30,
                    "one more delivered and the line full again");
            publisher.publish(List.of("m" + (n - 1)));
            publisher.awaitCompleted(n);
        }
        for (int i = 1; i < n; i++) {
            got.add(receive(in));
        }
        assertThat(got).as("each message once").containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, n).mapToObj(i -> "m" + i + "@0").toList());
        assertInOrder(got, n + " messages from one publisher");
    }

    @Test
    void aClientCertificateLogsIn() throws Exception {
        MessageQueue out = queue("to-broker", 16);
        MqttBridge bridge = bridge("broker.uri", "ssl://127.0.0.1:" + broker.certPort(), "client.id", "gw-cert",
                "trust.certificates", broker.caFile().toString(), "key.store", broker.clientKeyStore().toString(),
                "key.store.password", Mosquitto.KEY_STORE_PASSWORD, "mappings", "queue to-broker out test/cert 1");
        awaitConnected(bridge);
        send(out, "signed", 4);
        await(bridge, s -> s.sent() == 1, 20, "sent 1");
        assertThat(broker.log()).contains("as gw-cert").contains("u'" + Mosquitto.USER + "'");
    }

    @Test
    void aWrongPasswordKeepsTheBridgeWaitingWithTheReason() throws Exception {
        queue("to-broker", 16);
        Object[] config = tls("gw-wrong", "queue to-broker out test/out 1");
        config[7] = "not-the-password";
        MqttBridge bridge = bridge(config);
        BridgeStatus s = await(bridge, st -> !st.lastError().isEmpty(), 20, "a refused attempt");
        assertThat(s.connections()).isZero();
        assertThat(s.lastError()).containsIgnoringCase("not authorized");
    }

    @Test
    void aChannelGoesBothWaysAndEventsCarryTheirSignals() throws Exception {
        ChannelEnd a = closeLater(ipc.service(ChannelService.class).create("ctl", ChannelOptions.defaults()));
        Event alarm = closeLater(ipc.service(EventService.class).create("alarm", EventType.AUTO_RESET, Set.of(), 0600));
        Event tick = closeLater(ipc.service(EventService.class).create("tick", EventType.AUTO_RESET, Set.of(), 0600));
        MqttBridge bridge = bridge(tls("gw-c", "channel ctl both test/ctl 1", "event alarm in test/alarm 1",
                "event tick out test/tick 1"));
        awaitConnected(bridge);
        Process sub = broker.subscribe("-i", "tool-ctl", "-t", "test/ctl", "-t", "test/tick", "-q", "1", "-C", "2",
                "-F", "%t|%x");
        broker.awaitLog("tool-ctl 1 test/tick", 20);

        byte[] command = "reboot".getBytes(StandardCharsets.UTF_8);
        a.send(command, 0, command.length, 4);
        tick.signal(0x2AL);
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_sub got two messages").isTrue();
        assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
                .containsExactlyInAnyOrder("test/ctl|" + java.util.HexFormat.of().formatHex(command),
                        "test/tick|000000000000002a");

        broker.publish("-t", "test/ctl", "-q", "1", "-m", "done", "-D", "publish", "user-property", "ipc-priority",
                "6");
        byte[] buf = new byte[64];
        MessageInfo info = new MessageInfo();
        int n = a.receive(buf, 0, buf.length, info, Duration.ofSeconds(20));
        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8) + "@" + info.priority()).isEqualTo("done@6");

        broker.publish("-t", "test/alarm", "-q", "1", "-n");
        assertThat(alarm.await(Duration.ofSeconds(20))).isZero();
        broker.publish("-t", "test/alarm", "-q", "1", "-m", "three bytes too many");
        await(bridge, s -> s.malformed() == 1, 20, "a malformed event signal");
        assertThat(alarm.isSignalled()).isFalse();
    }

    @Test
    void theOriginalSenderComesBackInAnEnvelopeAndNeverAsTheLocalSender() throws Exception {
        MessageQueue out = queue("to-broker", 16);
        MessageQueue in = queue("from-broker", 16);
        MessageQueue plain = queue("plain", 16);
        MqttBridge a = bridge(tls("gw-a", "queue to-broker out test/s 2"));
        MqttBridge b = bridge(tls("gw-b", "queue from-broker in test/s 0 sender", "queue plain in test/s 2"));
        awaitConnected(a);
        awaitConnected(b);
        Process sub = broker.subscribe("-i", "tool-qos", "-t", "test/s", "-q", "2", "-C", "1", "-F", "%q|%p");
        broker.awaitLog("tool-qos 2 test/s", 20);

        send(out, "hello", 7);
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).as("mosquitto_sub got the message").isTrue();
        assertThat(output(sub).strip()).as("published at QoS 2").isEqualTo("2|hello");
        IpcProcess self = ipc.process();
        String local = self.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " " + self.id()
                + " pid " + self.pid();
        MessageInfo info = new MessageInfo();
        assertThat(envelope(in, info)).isEqualTo("gw-a: " + local + "|hello@7");
        assertThat(receive(plain)).as("a mapping without the word gets the payload alone").isEqualTo("hello@7");

        // a publisher claiming to be a local bundle: the claim is readable, the message's sender is the bridge
        broker.publish("-t", "test/s", "-q", "1", "-m", "forged", "-D", "publish", "user-property", "ipc-sender",
                "bundle 1 pid 1", "-D", "publish", "user-property", "ipc-bridge", "gw-z");
        assertThat(envelope(in, info)).isEqualTo("gw-z: bundle 1 pid 1|forged@0");
        assertThat(info.senderKind()).isEqualTo(self.kind());
        assertThat(info.senderId()).isEqualTo(self.id());
        assertThat(receive(plain)).isEqualTo("forged@0");

        broker.publish("-t", "test/s", "-q", "1", "-m", "no-claim");
        assertThat(envelope(in, info)).isEqualTo("|no-claim@0");
        broker.publish("-t", "test/s", "-q", "1", "-m", "long-claim", "-D", "publish", "user-property", "ipc-sender",
                "x".repeat(256));
        assertThat(receive(plain)).isEqualTo("no-claim@0");
        assertThat(receive(plain)).as("delivered where no envelope is asked for").isEqualTo("long-claim@0");
        // counted once its delivery returned, which may come after the receiver here took it
        BridgeStatus s = await(b, st -> st.malformed() == 1 && st.received() >= 7, 20,
                "the over-long claim and every delivery counted");
        assertThat(s.received()).isEqualTo(7);
        assertThat(in.tryReceive(new byte[100], 0, 100, null)).isEqualTo(-1);
    }

    /** The next message of an inbound queue with sender envelopes, as origin|payload@priority. */
    static String envelope(MessageQueue q, MessageInfo info) {
        byte[] buf = new byte[8192];
        int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(20));
        int origin = Byte.toUnsignedInt(buf[0]);
        return new String(buf, SenderEnvelopeDescriptor.ORIGIN_OFFSET, origin, StandardCharsets.UTF_8) + "|"
                + new String(buf, SenderEnvelopeDescriptor.ORIGIN_OFFSET + origin,
                        n - SenderEnvelopeDescriptor.ORIGIN_OFFSET - origin, StandardCharsets.UTF_8)
                + "@" + info.priority();
    }

    static void send(MessageQueue q, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        q.send(b, 0, b.length, priority);
    }

    /** The next message as payload@priority, waiting at most 20 s. */
    static String receive(MessageQueue q) {
        byte[] buf = new byte[8192];
        MessageInfo info = new MessageInfo();
        int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(20));
        return new String(buf, 0, n, StandardCharsets.UTF_8) + "@" + info.priority();
    }

    /** What a queue still holds, for a failure to name: "nothing", or each message, or a count with no message. */
    static String leftOver(MessageQueue q) {
        int count = q.attributes().currentMessages();
        byte[] buf = new byte[8192];
        MessageInfo info = new MessageInfo();
        List<String> left = new ArrayList<>();
        for (int n; (n = q.tryReceive(buf, 0, buf.length, info)) >= 0; ) {
            left.add(new String(buf, 0, n, StandardCharsets.UTF_8) + "@" + info.priority());
        }
        return left.isEmpty() && count == 0 ? "nothing"
                : left + (count != left.size() ? " (the queue counted " + count + ")" : "");
    }

    static Object[] append(Object[] a, Object... more) {
        Object[] all = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, all, a.length, more.length);
        return all;
    }

    static String output(Process p) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        p.getInputStream().transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
