package org.multios.ipc.bench.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.bench.queue.DurableQueueAppend;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.event.EventService;
import org.multios.ipc.mqtt.internal.MqttBridge;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Publishing {@value #SIZE}-byte messages at QoS 1 to a real Mosquitto on loopback (plain TCP, a
 * password), at most {@value #IN_FLIGHT} unacknowledged, one operation per message.
 *
 * <p>Project: the benchmark thread sends into an IPC queue that an MQTT bridge maps out; the
 * bridge moves each message into its store queue and publishes it with its user properties. The
 * queues are bounded and the bridge's overflow is {@code block}, so once they are full the rate
 * is the bridge's publishing rate. Peer in the same run: a raw Eclipse Paho
 * {@link MqttAsyncClient} publish loop, the same payload, a semaphore of {@value #IN_FLIGHT}
 * permits released by each acknowledgement. Skipped (fails the trial) without Debian's mosquitto.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MqttThroughput {
    static final int SIZE = 64;
    static final int IN_FLIGHT = 16;

    /** A broker of the trial. */
    @State(Scope.Benchmark)
    public static class Broker {
        Path dir;
        Mosquitto mosquitto;

        @Setup(Level.Trial)
        public void start() throws Exception {
            if (!Mosquitto.available()) {
                throw new IllegalStateException("Debian's mosquitto, mosquitto-clients and openssl are needed");
            }
            dir = Files.createTempDirectory("ipc-bench-mosquitto");
            mosquitto = Mosquitto.start(dir);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            mosquitto.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** An IPC queue bridged out to the broker. */
    @State(Scope.Thread)
    public static class Bridged {
        BenchRoot root;
        Path durable;
        IpcContext ipc;
        MessageQueue source;
        MqttBridge bridge;
        final byte[] message = new byte[SIZE];

        @Setup(Level.Trial)
        public void start(Broker broker) {
            root = new BenchRoot();
            durable = DurableQueueAppend.diskDirectory(); // the bridge's store: not the working directory's
            System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, durable.toString());
            try {
                ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
            } finally {
                System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
            }
            MessageQueueService queues = ipc.service(MessageQueueService.class);
            source = queues.create("bench-out", QueueOptions.of(SIZE, 256));
            bridge = MqttBridge.start(Map.of("broker.uri", broker.mosquitto.tcpUri(), "client.id", "bench-bridge",
                    "username", Mosquitto.USER, "password", Mosquitto.PASSWORD, "mappings", "queue bench-out out bench/t 1",
                    "in.flight", Integer.toString(IN_FLIGHT)), queues, ipc.service(ChannelService.class),
                    ipc.service(EventService.class));
        }

        @TearDown(Level.Trial)
        public void stop() {
            bridge.close();
            source.close();
            ipc.close();
            root.close();
            DurableQueueAppend.delete(durable);
        }
    }

    /** A raw Paho client. */
    @State(Scope.Thread)
    public static class Raw implements MqttActionListener {
        MqttAsyncClient client;
        final Semaphore window = new Semaphore(IN_FLIGHT);
        final MqttMessage message = new MqttMessage(new byte[SIZE]);

        @Setup(Level.Trial)
        public void connect(Broker broker) throws MqttException {
            client = new MqttAsyncClient(broker.mosquitto.tcpUri(), "bench-raw", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName(Mosquitto.USER);
            o.setPassword(Mosquitto.PASSWORD.getBytes());
            client.connect(o).waitForCompletion(10_000);
            message.setQos(1);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            window.acquire(IN_FLIGHT);
            client.disconnect().waitForCompletion(5000);
            client.close();
        }

        @Override
        public void onSuccess(IMqttToken token) {
            window.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            window.release();
        }
    }

    @Benchmark
    public void bridge(Bridged b) {
        b.source.send(b.message, 0, SIZE, 0, Duration.ofSeconds(30));
    }

    @Benchmark
    public void rawPaho(Raw r) throws Exception {
        r.window.acquire();
        r.client.publish("bench/raw", r.message, null, r);
    }
}
