package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Faults under load in the gateway's framework: ipc.channels updated and then uninstalled and
 * reinstalled while hundreds of threads are blocked receiving and others are sending (every
 * waiter returns, no thread is left, every message whose send returned is received exactly
 * once); ipc.security stopped and started again and again while a bundle the policy refuses
 * keeps trying (no call slips through).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FaultsUnderLoadTest extends IpcTestSupport {
    private static final String CHANNELS_FILE_PROPERTY = "ipc.channels.file";
    private static final int BLOCKED_RECEIVERS = 200;
    private static final int SENDERS = 8;

    private final List<Thread> threads = new ArrayList<>();

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("fault-roots"));
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(roots.resolve("root-" + UUID.randomUUID()).toString()),
                systemProperty(CHANNELS_FILE_PROPERTY).value(gateway.file("ipc.channels").toString()));
    }

    @After
    public void stopThreads() throws Exception {
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    @Test(timeout = 180_000)
    public void updatingAndReinstallingChannelsUnderLoadLosesNothingAndLeavesNoThread() throws Exception {
        MessageQueueService queues = service(context, MessageQueueService.class);
        queues.create("load", QueueOptions.of(16, 64)).close();
        Set<Long> accepted = ConcurrentHashMap.newKeySet();
        Set<Long> received = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        AtomicLong ids = new AtomicLong();
        for (int i = 0; i < BLOCKED_RECEIVERS; i++) {
            MessageQueue q = queues.open("load");
            start("fault-receiver-" + i, () -> {
                byte[] buf = new byte[16];
                MessageInfo info = new MessageInfo();
                while (true) {
                    try {
                        q.receive(buf, 0, 16, info);
                        if (!received.add(ByteBuffer.wrap(buf).getLong())) {
                            duplicates.incrementAndGet();
                        }
                    } catch (IpcException e) {
                        if (e.error() != IpcError.CLOSED) {
                            unexpected.incrementAndGet();
                        }
                        return;
                    }
                }
            });
        }
        for (int i = 0; i < SENDERS; i++) {
            MessageQueue q = queues.open("load");
            start("fault-sender-" + i, () -> {
                while (true) {
                    long id = ids.incrementAndGet();
                    byte[] b = ByteBuffer.allocate(16).putLong(id).putLong(~id).array();
                    try {
                        q.send(b, 0, 16, (int) (id % 32), Duration.ofSeconds(5));
                        accepted.add(id);
                    } catch (IpcException e) {
                        if (e.error() != IpcError.CLOSED) {
                            unexpected.incrementAndGet();
                        }
                        return;
                    }
                }
            });
        }
        await("messages flow", () -> received.size() > 1000);
        long threadsUnderLoad = Thread.getAllStackTraces().size();

        Bundle channels = installed("ipc.channels");
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty(CHANNELS_FILE_PROPERTY)))) {
            channels.update(in);
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertTrue(t.getName() + " returned after the update", !t.isAlive());
        }
        assertEquals("every waiter returned with CLOSED or a message, nothing else", 0, unexpected.get());
        List<String> ipcThreads = threadNames("ipc-queue");
        assertTrue("no queue thread is left: " + ipcThreads, ipcThreads.isEmpty());
        assertTrue("the load's threads are gone", Thread.getAllStackTraces().size() < threadsUnderLoad - 150);

        channels.uninstall();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty(CHANNELS_FILE_PROPERTY)))) {
            context.installBundle("reinstalled:channels", in).start();
        }
        MessageQueueService again = service(context, MessageQueueService.class);
        try (MessageQueue q = again.open("load")) {
            byte[] buf = new byte[16];
            MessageInfo info = new MessageInfo();
            while (q.tryReceive(buf, 0, 16, info) != MessageQueue.NO_MESSAGE) {
                ByteBuffer b = ByteBuffer.wrap(buf);
                long id = b.getLong();
                assertEquals("intact", ~id, b.getLong());
                if (!received.add(id)) {
                    duplicates.incrementAndGet();
                }
            }
        }
        assertEquals("no message was received twice", 0, duplicates.get());
        assertEquals("every message whose send returned was received, and only those", accepted, received);
        System.out.printf("ipc.channels updated, uninstalled and reinstalled under load: %d blocked receivers and %d "
                + "senders returned, %d messages accepted and received once, 0 lost%n", BLOCKED_RECEIVERS, SENDERS,
                accepted.size());
    }

    @Test(timeout = 180_000)
    public void restartingSecurityUnderLoadLetsNoRefusedCallThrough() throws Exception {
        BundleContext fixture = installed(FixtureBundle.SYMBOLIC_NAME).getBundleContext();
        ConfigurationAdmin cm = service(context, ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration policy = cm.getConfiguration("org.multios.ipc.security", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("bundle.identities", new String[] {fixture.getBundle().getLocation() + "=mallory:outsiders"});
        policy.update(props);
        try {
            // identities apply to sessions made after the change: restart security once
            Bundle security = installed("ipc.security");
            security.stop();
            security.start();
            service(context, MessageQueueService.class).create("private", QueueOptions.of(16, 64).withMode(0600))
                    .close();
            await("mallory is refused", () -> refusedOnce(fixture));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger slipped = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                start("fault-mallory-" + i, () -> {
                    while (running.get()) {
                        ServiceReference<MessageQueueService> ref = fixture.getServiceReference(MessageQueueService.class);
                        MessageQueueService s = ref == null ? null : fixture.getService(ref);
                        if (s == null) {
                            continue;
                        }
                        try (MessageQueue q = s.open("private", Rights.WRITE, Set.of())) {
                            q.trySend(new byte[] {1}, 0, 1, 0);
                            slipped.incrementAndGet();
                        } catch (IpcException e) {
                            if (e.error() == IpcError.PERMISSION_DENIED) {
                                refused.incrementAndGet();
                            }
                        } catch (RuntimeException serviceWithdrawnMeanwhile) {
                            // the service went while this thread used it
                        } finally {
                            try {
                                fixture.ungetService(ref);
                            } catch (IllegalStateException | IllegalArgumentException gone) {
                                // withdrawn
                            }
                        }
                    }
                });
            }
            for (int round = 0; round < 5; round++) {
                security.stop();
                Thread.sleep(50);
                security.start();
                int before = refused.get();
                await("calls are decided again after restart " + round, () -> refused.get() > before);
            }
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertEquals("no refused call slipped through while security restarted", 0, slipped.get());
            assertTrue("the refused bundle kept trying", refused.get() > 5);
            System.out.printf("ipc.security restarted 5 times under load: %d refused calls, 0 slipped through%n",
                    refused.get());
            try (MessageQueue q = service(context, MessageQueueService.class).open("private")) {
                assertEquals("nothing reached the queue", 0, q.attributes().currentMessages());
            }
        } finally {
            policy.delete();
        }
    }

    private boolean refusedOnce(BundleContext fixture) {
        try (MessageQueue q = service(fixture, MessageQueueService.class).open("private", Rights.WRITE, Set.of())) {
            return false;
        } catch (IpcException e) {
            return e.error() == IpcError.PERMISSION_DENIED;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private <S> S service(BundleContext through, Class<S> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> through.getServiceReference(type) != null);
        ServiceReference<S> ref = through.getServiceReference(type);
        S s = through.getService(ref);
        if (s == null) {
            throw new IpcException(IpcError.UNAVAILABLE, type.getSimpleName() + " went meanwhile");
        }
        return s;
    }

    private static List<String> threadNames(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith(prefix))
                .toList();
    }
}
