package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueue;

/**
 * Two bridges through one real Mosquitto, QoS 1: bridge A publishes a queue's messages, bridge B
 * delivers them into another queue. The broker is stopped for 10 s and started again in the middle
 * of the stream: every message arrives exactly once, in order within its priority.
 */
@Timeout(120)
class BrokerOutageTest extends BridgeTestSupport {
    private static final int[] PRIORITIES = {0, 5, 9};
    private static final int PER_PHASE = 150;

    @TempDir
    Path brokerDir;
    Mosquitto broker;

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void nothingIsLostNorDuplicatedAndOrderPerPriorityHoldsAcrossABrokerRestart() throws Exception {
        assumeTrue(Mosquitto.available(), "Debian's mosquitto, mosquitto-clients and openssl are not installed");
        broker = Mosquitto.start(brokerDir);
        MessageQueue source = queue("a-out", 256);
        MessageQueue sink = queue("b-in", 256);
        Object[] common = {"username", Mosquitto.USER, "password", Mosquitto.PASSWORD, "reconnect.min.millis", "100",
            "reconnect.max.millis", "1000", "store.messages", "256"};
        MqttBridge b = bridge(MosquittoBridgeTest.append(new Object[] {"broker.uri", broker.tcpUri(), "client.id",
            "gw-b", "mappings", "queue b-in in fleet/orders 1"}, common));
        awaitConnected(b);
        MqttBridge a = bridge(MosquittoBridgeTest.append(new Object[] {"broker.uri", broker.tcpUri(), "client.id",
            "gw-a", "mappings", "queue a-out out fleet/orders 1"}, common));
        awaitConnected(a);

        Receiver receiver = new Receiver(sink, 3 * PER_PHASE);
        Thread t = new Thread(receiver, "test-receiver");
        t.start();
        int[] next = new int[32];
        sendPhase(source, next);
        receiver.awaitAtLeast(PER_PHASE / 3);  // the stream is flowing when the broker goes
        broker.stop();
        sendPhase(source, next);  // these wait in A's store queue
        Thread.sleep(10_000);     // the outage itself, as the scenario prescribes
        BridgeStatus during = a.status();
        assertThat(during.state()).isNotEqualTo(BridgeState.CONNECTED);
        broker.start();
        sendPhase(source, next);
        assertThat(receiver.done.await(60, TimeUnit.SECONDS)).as("all %d messages arrived; got %d; A %s; B %s",
                3 * PER_PHASE, receiver.count(), a.status(), b.status()).isTrue();
        t.join(5000);

        assertThat(receiver.problems).isEmpty();
        for (int p : PRIORITIES) {
            assertThat(receiver.byPriority.get(p)).as("priority %d in order, complete", p)
                    .isEqualTo(range(next[p]));
        }
        assertThat(a.status().connections()).isGreaterThanOrEqualTo(2);
        // nothing more comes: no late duplicate slipped past
        assertThat(sink.tryReceive(new byte[64], 0, 64, null)).isEqualTo(-1);
        System.out.println("outage test: A " + a.status() + "\nB " + b.status());
    }

    /** PER_PHASE messages, priorities in turn, each "priority-sequence". */
    private static void sendPhase(MessageQueue q, int[] next) {
        for (int i = 0; i < PER_PHASE; i++) {
            int p = PRIORITIES[i % PRIORITIES.length];
            byte[] b = (p + "-" + next[p]++).getBytes(StandardCharsets.UTF_8);
            q.send(b, 0, b.length, p, Duration.ofSeconds(30));
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    /** Receives until the expected count, recording each priority's sequence numbers and any problem. */
    private static final class Receiver implements Runnable {
        final Map<Integer, List<Integer>> byPriority = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        private final MessageQueue queue;
        private final int expected;
        private final Set<String> seen = new HashSet<>();
        private int count;

        Receiver(MessageQueue queue, int expected) {
            this.queue = queue;
            this.expected = expected;
            for (int p : PRIORITIES) {
                byPriority.put(p, new ArrayList<>());
            }
        }

        @Override
        public void run() {
            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            while (count() < expected) {
                int n;
                try {
                    n = queue.receive(buf, 0, buf.length, info, Duration.ofSeconds(90));
                } catch (IpcException e) {
                    if (e.error() == IpcError.TIMEOUT || e.error() == IpcError.CLOSED) {
                        return;
                    }
                    throw e;
                }
                String text = new String(buf, 0, n, StandardCharsets.UTF_8);
                String[] parts = text.split("-");
                synchronized (this) {
                    if (!seen.add(text)) {
                        problems.add("duplicate " + text);
                    }
                    if (Integer.parseInt(parts[0]) != info.priority()) {
                        problems.add(text + " arrived at priority " + info.priority());
                    }
                    byPriority.get(info.priority()).add(Integer.parseInt(parts[1]));
                    count++;
                    notifyAll();
                }
            }
            done.countDown();
        }

        synchronized int count() {
            return count;
        }

        synchronized void awaitAtLeast(int n) throws InterruptedException {
            while (count < n) {
                wait(30_000);
            }
        }
    }
}
