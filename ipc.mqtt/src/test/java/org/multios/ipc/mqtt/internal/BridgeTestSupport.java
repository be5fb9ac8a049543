package org.multios.ipc.mqtt.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectType;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/** A plain-Java IPC context on a fresh root, and bridges on it, all closed after each test. */
abstract class BridgeTestSupport {
    /** The property naming the durable root (MessageQueueMechanism.DURABLE_ROOT_PROPERTY). */
    private static final String DURABLE_ROOT = "org.multios.ipc.durable.root";

    Path root;
    Path durableRoot;
    IpcContext ipc;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void openContext() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "ipcmqtt");
        // each test's durable store queues in a fresh durable root on the build's disk
        Files.createDirectories(Path.of("target"));
        durableRoot = Files.createTempDirectory(Path.of("target"), "durable").toAbsolutePath();
        System.setProperty(DURABLE_ROOT, durableRoot.toString());
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        ipc.close();
        System.clearProperty(DURABLE_ROOT);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Closes every bridge and the IPC context, empties the IPC root (as a reboot empties a tmpfs
     * root; the durable root stays) and opens a new context on it.
     */
    void reopenOnAnEmptyIpcRoot() throws Exception {
        closeAll();
        closeables.clear();
        Files.createDirectories(root);
        System.setProperty(DURABLE_ROOT, durableRoot.toString());
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    /** Where the queue {@code name} lives under the root {@code ipcRoot}. */
    static Path queueFile(Path ipcRoot, String name) {
        return new IpcEnvironment(ipcRoot, IpcLimits.defaults()).directory(ObjectType.QUEUE).resolve(name);
    }

    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    MessageQueue queue(String name, int messages) {
        return closeLater(ipc.service(MessageQueueService.class).create(name, QueueOptions.of(8192, messages)));
    }

    /** A bridge from {@code key, value, ...} (a configuration as File Install would give it), started. */
    MqttBridge bridge(Object... keysAndValues) {
        MqttBridge b = closeLater(new MqttBridge(settings(keysAndValues), ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class)));
        b.start();
        return b;
    }

    static BridgeSettings settings(Object... keysAndValues) {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return BridgeSettings.read(MqttBridgeComponent.PID, config);
    }

    /** Waits (at most {@code seconds}) until the bridge's status satisfies {@code condition}. */
    static BridgeStatus await(MqttBridge bridge, Predicate<BridgeStatus> condition, long seconds, String what)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        BridgeStatus s = bridge.status();
        while (!condition.test(s)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("bridge did not reach: " + what + " within " + seconds + " s; status " + s);
            }
            Thread.sleep(20);
            s = bridge.status();
        }
        return s;
    }

    static BridgeStatus awaitConnected(MqttBridge bridge) throws InterruptedException {
        return await(bridge, s -> s.state() == BridgeState.CONNECTED, 20, "connected");
    }
}
