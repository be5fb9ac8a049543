package org.multios.ipc.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Each mechanism bundle installs and goes on its own: uninstalling one and refreshing the
 * framework stops no other bundle, withdraws no other mechanism's service, and leaves the
 * waiters blocked in the other mechanisms asleep until what they wait for comes; installing it
 * again restores it. The mechanisms share only ipc.api and the ipc.core library, which stay.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class MechanismIndependenceTest extends IpcTestSupport {
    private static final List<String> MECHANISMS = List.of("ipc.shm", "ipc.sync", "ipc.channels", "ipc.net");
    private static final String FILE_PROPERTY = "ipc.independence.file.";
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    private static final long FUTEX = "aarch64".equals(System.getProperty("os.arch")) ? 98 : 202;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("independence-roots"));
        List<Option> options = new ArrayList<>(List.of(super.config()));
        options.add(frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(roots.resolve("root-" + UUID.randomUUID()).toString()));
        for (String m : MECHANISMS) {
            options.add(systemProperty(FILE_PROPERTY + m).value(gateway.file(m).toString()));
        }
        return OptionUtils.combine(options.toArray(Option[]::new));
    }

    @Test(timeout = 240_000)
    public void eachMechanismUninstallsAndReinstallsWithoutTouchingTheOthers() throws Exception {
        int round = 0;
        for (String removed : MECHANISMS) {
            round++;
            Map<String, Probe> others = new LinkedHashMap<>();
            for (String m : MECHANISMS) {
                if (!m.equals(removed)) {
                    others.put(m, probe(m, round));
                }
            }
            for (Probe p : others.values()) {
                p.block();
            }
            Map<String, Long> serviceIds = new LinkedHashMap<>();
            others.forEach((m, p) -> serviceIds.put(m, p.serviceId()));

            List<String> touched = new CopyOnWriteArrayList<>();
            SynchronousBundleListener watcher = e -> {
                String name = e.getBundle().getSymbolicName();
                if (!removed.equals(name)) {
                    switch (e.getType()) {
                        case BundleEvent.STOPPING -> touched.add(name + " stopping");
                        case BundleEvent.STARTING -> touched.add(name + " starting");
                        case BundleEvent.UNRESOLVED -> touched.add(name + " unresolved");
                        default -> { }
                    }
                }
            };
            context.addBundleListener(watcher);
            try {
                Bundle bundle = installed(removed);
                bundle.uninstall();
                refresh(bundle);
                assertTrue("other bundles changed state when " + removed + " was uninstalled and refreshed: " + touched,
                        touched.isEmpty());
            } finally {
                context.removeBundleListener(watcher);
            }
            others.forEach((m, p) -> {
                assertEquals(m + "'s service stays registered after " + removed + " went", (long) serviceIds.get(m), p.serviceId());
                assertFalse(m + "'s waiter is still waiting after " + removed + " went", p.waiter.isDone());
            });
            for (Map.Entry<String, Probe> e : others.entrySet()) {
                e.getValue().releaseAndCheck(e.getKey(), removed);
                e.getValue().close();
            }

            reinstall(removed);
            Probe back = probe(removed, round);
            back.block();
            back.releaseAndCheck(removed, "its reinstall");
            back.close();
        }
    }

    // ------------------------------------------------------------------ one mechanism, seen by a client

    /** Objects of one mechanism in use: a thread blocked in it, or (shared memory) a mapping. */
    private abstract static class Probe {
        final byte[] message;
        final CompletableFuture<byte[]> waiter = new CompletableFuture<>();

        Probe(String bundle, int round) {
            this.message = (bundle + " round " + round).getBytes(StandardCharsets.UTF_8);
        }

        /** The id of the mechanism's API service this test bundle sees. */
        abstract long serviceId();

        /** Puts the objects in use; a blocking call returns once its thread sleeps. */
        abstract void block() throws Exception;

        /** Gives the waiter what it waits for. */
        abstract void release() throws Exception;

        abstract void close();

        void releaseAndCheck(String bundle, String after) throws Exception {
            release();
            assertArrayEquals(bundle + "'s waiter got what it waited for after " + after, message,
                    waiter.get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    /** A probe whose waiter is a thread blocked in a call of the mechanism until {@link #release}. */
    private abstract static class BlockedProbe extends Probe {
        private final String threadName;

        BlockedProbe(String bundle, int round) {
            super(bundle, round);
            threadName = "indep-" + bundle.substring("ipc.".length());
        }

        /** The blocking call: returns what it received. */
        abstract byte[] call();

        @Override
        void block() throws Exception {
            Thread t = new Thread(() -> {
                try {
                    waiter.complete(call());
                } catch (Throwable e) {
                    waiter.completeExceptionally(e);
                }
            }, threadName);
            t.setDaemon(true);
            t.start();
            awaitAsleep(t);
        }
    }

    private Probe probe(String bundle, int round) throws Exception {
        String name = "independence-" + round;
        return switch (bundle) {
            case "ipc.shm" -> new Probe(bundle, round) {
                final ServiceReference<SharedMemoryService> ref = reference(SharedMemoryService.class);
                final SharedMemory segment = context.getService(ref).create(name, 4096, 0600);
                final Mapping mapping = segment.map(MapAccess.READ_WRITE);

                @Override
                long serviceId() {
                    return id(SharedMemoryService.class);
                }

                @Override
                void block() {
                    // no call of shared memory waits: a mapping written now and read later stands for a waiter
                    mapping.write(0, message, 0, message.length);
                }

                @Override
                void release() {
                    byte[] seen = new byte[message.length];
                    mapping.read(0, seen, 0, seen.length);
                    waiter.complete(seen);
                }

                @Override
                void close() {
                    mapping.close();
                    segment.close();
                }
            };
            case "ipc.sync" -> new BlockedProbe(bundle, round) {
                final Semaphore semaphore = service(SyncService.class).createSemaphore(name, new SemaphoreOptions(0, 1), 0600);

                @Override
                long serviceId() {
                    return id(SyncService.class);
                }

                @Override
                byte[] call() {
                    semaphore.acquire();
                    return message;
                }

                @Override
                void release() {
                    semaphore.release();
                }

                @Override
                void close() {
                    semaphore.close();
                }
            };
            case "ipc.channels" -> new BlockedProbe(bundle, round) {
                final MessageQueue queue = service(MessageQueueService.class).create(name,
                        QueueOptions.of(64, 4).withMode(0600));

                @Override
                long serviceId() {
                    return id(MessageQueueService.class);
                }

                @Override
                byte[] call() {
                    byte[] buf = new byte[64];
                    int n = queue.receive(buf, 0, buf.length, new MessageInfo());
                    return Arrays.copyOf(buf, n);
                }

                @Override
                void release() {
                    queue.send(message, 0, message.length, 1);
                }

                @Override
                void close() {
                    queue.close();
                }
            };
            case "ipc.net" -> new BlockedProbe(bundle, round) {
                final NetService net = service(NetService.class);
                final Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                final Connection client = net.connect(listener.endpoint());
                final Connection server = listener.accept(Duration.ofSeconds(10));

                @Override
                long serviceId() {
                    return id(NetService.class);
                }

                @Override
                byte[] call() {
                    byte[] buf = new byte[64];
                    MessageInfo info = new MessageInfo();
                    server.receive(buf, 0, buf.length, info); // returns the frame's type
                    return Arrays.copyOf(buf, info.length());
                }

                @Override
                void release() {
                    client.send(1, message, 0, message.length, 1);
                }

                @Override
                void close() {
                    client.close();
                    server.close();
                    listener.close();
                }
            };
            default -> throw new IllegalArgumentException(bundle);
        };
    }

    // ------------------------------------------------------------------ helpers

    private void reinstall(String bundle) throws Exception {
        Path file = Path.of(System.getProperty(FILE_PROPERTY + bundle));
        Bundle again;
        try (InputStream in = Files.newInputStream(file)) {
            again = context.installBundle("reinstalled:" + file, in);
        }
        again.start();
        assertEquals(bundle + " is active again", Bundle.ACTIVE, again.getState());
    }

    private <T> ServiceReference<T> reference(Class<T> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> context.getServiceReference(type) != null);
        return context.getServiceReference(type);
    }

    private <T> T service(Class<T> type) throws InterruptedException {
        return context.getService(reference(type));
    }

    /** The id of the service of this type this bundle sees now, -1 if there is none. */
    private long id(Class<?> type) {
        ServiceReference<?> ref = context.getServiceReference(type);
        return ref == null ? -1 : (Long) ref.getProperty("service.id");
    }

    /**
     * Waits until the thread sleeps in the futex system call (where parked threads and futex
     * waits of the mechanisms sleep), read from {@code /proc/self/task/<tid>/syscall}.
     */
    private static void awaitAsleep(Thread thread) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (System.nanoTime() - deadline < 0) {
            if (!thread.isAlive()) {
                throw new AssertionError(thread.getName() + " ended before it slept");
            }
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String[] syscall = read(task.resolve("syscall")).split(" ");
                    if (read(task.resolve("comm")).equals(thread.getName())
                            && !syscall[0].equals("running") && !syscall[0].isEmpty()
                            && Long.parseLong(syscall[0]) == FUTEX) {
                        return;
                    }
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError(thread.getName() + " did not sleep within " + WAIT_MILLIS + " ms");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException taskEnded) {
            return "";
        }
    }
}
