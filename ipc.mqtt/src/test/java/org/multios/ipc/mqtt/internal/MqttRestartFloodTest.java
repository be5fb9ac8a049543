package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;

/**
 * A QoS 2 flood from {@code mosquitto_pub -l} into a queue of 1 with a slow consumer while the
 * bridge is closed and made again, or the broker restarted, again and again: every message once
 * and in order, the numbers of the one publisher's messages strictly increasing at the consumer.
 * A failure names the seed: {@code -Dattack.seed}, {@code -Dattack.messages},
 * {@code -Dattack.restarts} and {@code -Dattack.consumer.millis} repeat or vary a run.
 */
@Timeout(400)
class MqttRestartFloodTest extends BrokerTestSupport {
    /** One way to interrupt the flood; returns the bridge to go on with. */
    private interface Interruption {
        MqttBridge apply(MqttBridge bridge, Object[] config) throws Exception;
    }

    /**
     * The bridge closed (a configuration change, an upgrade) and made again on the same
     * configuration, 10 times at random moments during the flood. Stopping, the reader refuses the
     * next QoS 2 message, which ends the connection at once, and the PUBRECs the client had queued
     * for the messages it had just taken over are lost with it: the broker sends those again (DUP,
     * same packet id) on the next connection, though the journal holds them or delivered them. On
     * the held journal alone three runs of 400 delivered 9, 93 and 37 messages twice (broker debug
     * log: PUBREC received up to mid 54, "Broken pipe", then PUBLISH d1 for mids 55 to 86); the
     * bridge now recognises the copies ({@link Resends}).
     */
    @Test
    void restartsDuringAQos2FloodDeliverEachMessageOnce() throws Exception {
        flood((bridge, config) -> {
            bridge.close();
            BridgeStatus s = bridge.status();
            assertThat(s.dropped() - s.duplicates()).as("nothing dropped but the broker's copies").isZero();
            return start(config);
        });
    }

    /**
     * The broker stopped (SIGTERM: it saves its sessions) and started again, 10 times at random
     * moments while the bridge takes the flood it queued (the publisher finished first, so that
     * only the bridge's side of each connection is cut). Before {@link Resends}: one run of 400
     * received 451, m204 to m219 again after m219 and m365 to m399 again after m399.
     */
    @Test
    void brokerRestartsDuringAQos2FloodDeliverEachMessageOnce() throws Exception {
        publishFirst = true;
        flood((bridge, config) -> {
            broker.stop();
            broker.start();
            return bridge;
        });
    }

    private boolean publishFirst;

    private void flood(Interruption interruption) throws Exception {
        int n = Integer.getInteger("attack.messages", 400);
        int restarts = Integer.getInteger("attack.restarts", 10);
        long seed = Long.getLong("attack.seed", System.nanoTime());
        System.out.println("restart flood seed " + seed + " messages " + n + " restarts " + restarts);
        Random random = new Random(seed);
        MessageQueue in = closeLater(ipc.service(MessageQueueService.class).create("from-broker",
                org.multios.ipc.queue.QueueOptions.of(8192, 1)));
        Object[] config = {"broker.uri", broker.tcpUri(), "client.id", "gw-flood", "username", Mosquitto.USER,
            "password", Mosquitto.PASSWORD, "mappings", new String[] {"queue from-broker in test/in 2"},
            "reconnect.min.millis", "100", "reconnect.max.millis", "500", "inbound.timeout.millis", "50"};
        MqttBridge bridge = start(config);
        awaitConnected(bridge);
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        Thread consumer = new Thread(() -> {
            byte[] buf = new byte[8192];
            MessageInfo info = new MessageInfo();
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < 30_000_000_000L) {
                try {
                    int len = in.receive(buf, 0, buf.length, info, Duration.ofMillis(200));
                    got.add(new String(buf, 0, len, StandardCharsets.UTF_8));
                    idleSince = System.nanoTime();
                    Thread.sleep(Integer.getInteger("attack.consumer.millis", 2));
                } catch (IpcException e) {
                    if (e.error() == IpcError.INTERRUPTED) {
                        return;
                    }
                    if (e.error() != IpcError.TIMEOUT) {
                        throw e;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "flood-consumer");
        Thread publisher = new Thread(() -> {
            try {
                broker.publishLines(IntStream.range(0, n).mapToObj(i -> "m" + i).toList(), "-t", "test/in", "-q", "2");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "flood-publisher");
        publisher.start();
        if (publishFirst) {
            publisher.join(60_000);
        }
        consumer.start();
        try {
            for (int r = 0; r < restarts; r++) {
                Thread.sleep(100 + random.nextInt(500));
                BridgeStatus before = bridge.status();
                bridge = interruption.apply(bridge, config);
                System.out.println("restart " + r + ": " + got.size() + " received, held before it " + before.held());
            }
            publisher.join(120_000);
            assertThat(publisher.isAlive()).isFalse();
            long end = System.nanoTime() + 120_000_000_000L;
            while (got.size() < n && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);  // a copy would come now
        } finally {
            bridge.close();
            consumer.interrupt();
            consumer.join(5000);
        }
        System.out.println("received " + got.size() + " status " + bridge.status());
        List<String> expected = IntStream.range(0, n).mapToObj(i -> "m" + i).toList();
        List<String> copy;
        synchronized (got) {
            copy = new ArrayList<>(got);
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(copy);
        System.out.println("missing " + missing);
        int last = -1;
        for (int i = 0; i < copy.size(); i++) {
            int v = Integer.parseInt(copy.get(i).substring(1));
            if (v != last + 1) {
                System.out.println("at " + i + " after m" + last + " came m" + v);
            }
            last = Math.max(last, v);
        }
        String run = "seed " + seed + ", " + n + " messages, " + restarts + " restarts";
        assertThat(copy).as("each message once (" + run + ")").containsExactlyInAnyOrderElementsOf(expected);
        assertInOrder(copy, run);
    }

    private MqttBridge start(Object[] config) {
        MqttBridge b = new MqttBridge(settings(config), ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class));
        b.start();
        return b;
    }
}
