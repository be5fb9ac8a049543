package org.multios.ipc.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.PlatformConfiguration;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The message queue and pipe mechanisms of the ipc.channels bundle in a running framework: the
 * probe and the fixture bundle, two IPC processes with their own bundle-scoped services, share
 * named queues (priority order, the sender's identity, listeners) and pipes (unnamed ones handed
 * between threads, named FIFOs written by a shell); stopping ipc.channels wakes every blocked
 * receiver and reader of both bundles with CLOSED and leaves no thread behind, while named
 * queues keep their messages for a restart or a reinstall.
 *
 * <p>The tests never touch the default IPC root: the framework property
 * {@value IpcEnvironment#ROOT_PROPERTY} names a fresh directory under the build directory,
 * emptied before and deleted after every test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ChannelsInFrameworkTest extends IpcTestSupport {
    private static final String CHANNELS_BUNDLE = "ipc.channels";
    /** System property naming the file of the ipc.channels bundle, for installing it again. */
    private static final String CHANNELS_FILE_PROPERTY = "ipc.channels.file";
    /** System property naming the directory under which the roots of these tests are made. */
    private static final String ROOTS_PROPERTY = "ipc.channels.roots";
    /** Framework property naming the durable root (MessageQueueMechanism.DURABLE_ROOT_PROPERTY). */
    private static final String DURABLE_ROOT_PROPERTY = "org.multios.ipc.durable.root";
    /** Names of the threads the queue mechanism runs listeners on. */
    private static final String LISTENER_THREAD_PREFIX = "ipc-queue-listener";
    /** Names of this test's own waiter threads. */
    private static final String WAITER_THREAD_PREFIX = "channels-it-waiter-";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toRelease = new ArrayList<>();
    private final Set<Thread> waiterThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiterNumbers = new AtomicInteger();
    private ExecutorService waiters;
    private Path root;
    private Path durableRoot;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        GatewayBundles gateway = GatewayBundles.fromSystemProperties();
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("channels-roots"));
        Path fresh = roots.resolve("root-" + UUID.randomUUID());
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(fresh.toString()),
                frameworkProperty(DURABLE_ROOT_PROPERTY).value(fresh + "-durable"),
                systemProperty(CHANNELS_FILE_PROPERTY).value(gateway.file(CHANNELS_BUNDLE).toString()),
                systemProperty(ROOTS_PROPERTY).value(roots.toString()));
    }

    /** This test's IPC root: the framework property, under the build directory, made empty. */
    @Before
    public void freshRoot() throws IOException {
        String configured = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        assertNotNull("the framework property " + IpcEnvironment.ROOT_PROPERTY + " is set", configured);
        root = Path.of(configured).toAbsolutePath().normalize();
        Path roots = Path.of(System.getProperty(ROOTS_PROPERTY)).toAbsolutePath().normalize();
        assertTrue("the IPC root " + root + " lies under " + roots, root.startsWith(roots) && !root.equals(roots));
        deleteTree(root);
        Files.createDirectories(root);
        durableRoot = Path.of(context.getProperty(DURABLE_ROOT_PROPERTY)).toAbsolutePath().normalize();
        assertTrue("the durable root " + durableRoot + " lies under " + roots, durableRoot.startsWith(roots));
        deleteTree(durableRoot);
        waiters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, WAITER_THREAD_PREFIX + waiterNumbers.incrementAndGet());
            t.setDaemon(true);
            waiterThreads.add(t);
            return t;
        });
    }

    @After
    public void cleanUp() throws Exception {
        if (waiters != null) {
            waiters.shutdownNow();
            waiters.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception closedAlready) {
                // handles of a stopped mechanism are closed already
            }
        }
        toRelease.forEach(Runnable::run);
        if (root != null) {
            deleteTree(root);
        }
        if (durableRoot != null) {
            deleteTree(durableRoot);
        }
    }

    // ------------------------------------------------------------------ wait strategies

    @Test(timeout = 120_000)
    public void thePlatformDefaultWaitStrategyComesFromConfigurationAdmin() throws Exception {
        MessageQueueService queues = service(context, MessageQueueService.class);
        try (MessageQueue before = queues.create("wait-default", QueueOptions.of(16, 4))) {
            assertEquals(WaitStrategy.ADAPTIVE, before.waitStrategy());
        }
        ConfigurationAdmin cm = service(context, ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration wait = cm.getConfiguration(PlatformConfiguration.WAIT_PID, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PlatformConfiguration.WAIT_STRATEGY_KEY, "backoff");
        props.put(PlatformConfiguration.WAIT_SPIN_MICROS_KEY, 300);
        wait.update(props);
        toRelease.add(() -> {
            try {
                wait.delete();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        AtomicInteger made = new AtomicInteger();
        await("queues created from now on take the configured default", () -> {
            String name = "wait-configured-" + made.incrementAndGet();
            try (MessageQueue q = queues.create(name, QueueOptions.of(16, 4))) {
                return q.waitStrategy().equals(WaitStrategy.backoff(300));
            } finally {
                queues.unlink(name);
            }
        });
        try (MessageQueue own = queues.create("wait-own", QueueOptions.of(16, 4).withWaitStrategy(WaitStrategy.SPIN));
                MessageQueue opened = queues.open("wait-default")) {
            assertEquals("an object's own strategy wins", WaitStrategy.SPIN, own.waitStrategy());
            assertEquals("an object keeps the strategy it was made with", WaitStrategy.ADAPTIVE,
                    opened.waitStrategy());
        }
    }

    // ------------------------------------------------------------------ queues across bundles

    @Test(timeout = 120_000)
    public void queuesCarryMessagesBetweenBundlesByPriorityWithTheSendersIdentity() throws Exception {
        MessageQueueService mine = service(context, MessageQueueService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        MessageQueueService theirs = service(fixtureContext(), MessageQueueService.class);
        assertNotSame("each bundle has its own queue service", mine, theirs);

        MessageQueue sender = keep(theirs.create("fw-prio", new QueueOptions(64, 16, Set.of(), 0660)));
        MessageQueue receiver = keep(mine.open("fw-prio"));
        assertEquals(sender.id(), receiver.id());

        // sent by the fixture bundle in this order; received highest priority first, FIFO within one
        String[][] sent = { { "p5-first", "5" }, { "p1-first", "1" }, { "p5-second", "5" }, { "p9", "9" },
                { "p1-second", "1" }, { "p0", "0" }, { "p5-third", "5" } };
        for (String[] m : sent) {
            byte[] b = m[0].getBytes(StandardCharsets.UTF_8);
            sender.send(b, 0, b.length, Integer.parseInt(m[1]));
        }
        assertEquals(sent.length, receiver.attributes().currentMessages());

        List<String> expected = List.of("p9", "p5-first", "p5-second", "p5-third", "p1-first", "p1-second", "p0");
        List<Integer> expectedPriorities = List.of(9, 5, 5, 5, 1, 1, 0);
        long fixtureId = fixture.getBundleId();
        long jvm = ProcessHandle.current().pid();
        List<String> received = new ArrayList<>();
        MessageInfo info = new MessageInfo();
        byte[] buf = new byte[64];
        for (int i = 0; i < expected.size(); i++) {
            int n = receiver.receive(buf, 0, buf.length, info, Duration.ofMillis(WAIT_MILLIS));
            received.add(new String(buf, 0, n, StandardCharsets.UTF_8));
            assertEquals("length of message " + i + ": " + info, n, info.length());
            assertEquals("priority of message " + i + ": " + info, (int) expectedPriorities.get(i), info.priority());
            assertEquals("the sender is a bundle: " + info, ProcessKind.BUNDLE, info.senderKind());
            assertEquals("the sender is the fixture bundle: " + info, fixtureId, info.senderId());
            assertEquals("the sender runs in this JVM: " + info, jvm, info.senderPid());
        }
        assertEquals("highest priority first, first in first out within a priority", expected, received);
        assertEquals(MessageQueue.NO_MESSAGE, receiver.tryReceive(buf, 0, buf.length, info));

        // the other way round: the probe's messages name the probe
        byte[] reply = "reply".getBytes(StandardCharsets.UTF_8);
        receiver.send(reply, 0, reply.length, 3);
        MessageInfo theirInfo = new MessageInfo();
        assertEquals(reply.length, sender.receive(buf, 0, buf.length, theirInfo, Duration.ofMillis(WAIT_MILLIS)));
        assertEquals(ProcessKind.BUNDLE, theirInfo.senderKind());
        assertEquals("the probe sent the reply", context.getBundle().getBundleId(), theirInfo.senderId());
        assertEquals(3, theirInfo.priority());

        ObjectInfo listed = runtime().object(ObjectType.QUEUE, "fw-prio")
                .orElseThrow(() -> new AssertionError("the queue is not listed"));
        assertEquals(16, listed.capacity());
        assertEquals(sent.length + 1L, listed.statistics().get(Counter.MESSAGES_IN));
        assertEquals(sent.length + 1L, listed.statistics().get(Counter.MESSAGES_OUT));
        assertEquals(0660, listed.permissions().mode());
        assertTrue("the queue's file is under this test's root",
                Files.isRegularFile(root.resolve("queue").resolve("fw-prio")));
    }

    @Test(timeout = 120_000)
    public void claimsOfTheFixtureBundleAreDrainedInPlaceByTheProbeInPriorityOrder() throws Exception {
        MessageQueueService mine = service(context, MessageQueueService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        MessageQueueService theirs = service(fixtureContext(), MessageQueueService.class);
        MessageQueue sender = keep(theirs.create("fw-claims", new QueueOptions(64, 4, Set.of(), 0660)));
        MessageQueue receiver = keep(mine.open("fw-claims"));

        for (int p : new int[] { 2, 7, 4 }) {
            MessageClaim claim = sender.tryClaim(12, p);
            claim.putInt(0, p);
            claim.putLong(4, 1000L * p);
            claim.commit();
        }
        MessageClaim dropped = sender.tryClaim(8, 9);
        dropped.putLong(0, -1);
        dropped.abort();
        try {
            sender.tryClaim(65, 1);
            fail("a claim above the queue's maximum message size");
        } catch (IpcException e) {
            assertEquals(IpcError.MESSAGE_TOO_LARGE, e.error());
        }

        List<String> got = new ArrayList<>();
        long fixtureId = fixture.getBundleId();
        int n = receiver.drain((message, info) -> got.add(message.getInt(0) + ":" + message.getLong(4) + ":"
                + info.priority() + ":" + (info.senderId() == fixtureId)), 10);
        assertEquals(3, n);
        assertEquals(List.of("7:7000:7:true", "4:4000:4:true", "2:2000:2:true"), got);
        assertEquals(0, receiver.attributes().currentMessages());
    }

    @Test(timeout = 120_000)
    public void aListenerOfTheProbeIsToldWhenTheFixtureBundleSendsIntoAnEmptyQueue() throws Exception {
        MessageQueueService mine = service(context, MessageQueueService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        MessageQueueService theirs = service(fixtureContext(), MessageQueueService.class);
        MessageQueue probeQueue = keep(mine.create("fw-notify", new QueueOptions(64, 8, Set.of(), 0660)));
        MessageQueue fixtureQueue = keep(theirs.open("fw-notify"));

        BlockingQueue<String> calls = new ArrayBlockingQueue<>(16);
        QueueRegistration registration = keep(probeQueue.register(queue -> {
            MessageInfo info = new MessageInfo();
            byte[] buf = new byte[64];
            int n = queue.tryReceive(buf, 0, buf.length, info);
            String text = n == MessageQueue.NO_MESSAGE ? "<none>" : new String(buf, 0, n, StandardCharsets.UTF_8);
            calls.add((queue == probeQueue) + " " + text + " " + info.senderKind() + " " + info.senderId() + " "
                    + Thread.currentThread().getName());
        }));
        assertTrue(registration.isActive());
        assertSame(probeQueue, registration.queue());
        assertEquals("drained after registering", MessageQueue.NO_MESSAGE,
                probeQueue.tryReceive(new byte[64], 0, 64, null));
        assertFalse("a listener thread serves the registration", listenerThreads().isEmpty());
        expectError(IpcError.BUSY, "a second registration from the fixture bundle",
                () -> fixtureQueue.register(q -> { }));

        byte[] hello = "hello-listener".getBytes(StandardCharsets.UTF_8);
        fixtureQueue.send(hello, 0, hello.length, 7);
        String call = calls.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull("the listener was called after the fixture bundle sent into the empty queue", call);
        String[] parts = call.split(" ", 5);
        assertEquals("the listener gets the handle it was registered through", "true", parts[0]);
        assertEquals("hello-listener", parts[1]);
        assertEquals(ProcessKind.BUNDLE.toString(), parts[2]);
        assertEquals(Long.toString(fixture.getBundleId()), parts[3]);
        assertTrue("the listener runs on a mechanism thread: " + parts[4], parts[4].startsWith(LISTENER_THREAD_PREFIX));

        // a second message into the (again) empty queue is reported again: the registration stays
        fixtureQueue.send(hello, 0, hello.length, 1);
        assertNotNull("the listener was called again", calls.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS));

        registration.close();
        assertFalse(registration.isActive());
        assertTrue("closing the registration ends its thread: " + listenerThreads(), listenerThreads().isEmpty());
        fixtureQueue.send(hello, 0, hello.length, 1);
        try (QueueRegistration theirRegistration = fixtureQueue.register(q -> { })) {
            assertTrue("the freed slot can be taken by the fixture bundle", theirRegistration.isActive());
        }
        assertEquals("a closed registration is not called", List.of(), List.copyOf(calls));
    }

    // ------------------------------------------------------------------ pipes across bundles

    @Test(timeout = 120_000)
    public void anUnnamedPipeCarriesBytesToTheProbeAndEndsWhenTheWriterCloses() throws Exception {
        PipeService mine = service(context, PipeService.class);
        Pipe pipe = keep(mine.create(64, Set.of()));
        PipeReader reader = pipe.reader();
        PipeWriter writer = pipe.writer();
        assertEquals(pipe.id(), reader.id());
        assertEquals(pipe.id(), writer.id());
        assertEquals(64, writer.bufferSize());

        // the writer end is used on another thread, as the peer bundle's code would; far more than
        // the buffer holds, so it waits for the probe to read
        byte[] pattern = pattern(5, 10_000);
        Future<String> written = waiter(() -> {
            try (OutputStream out = writer.asOutputStream()) {
                for (int off = 0; off < pattern.length; off += 1000) {
                    out.write(pattern, off, Math.min(1000, pattern.length - off));
                }
            }
            return "written";
        });

        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[100];
        while (true) {
            int n = reader.read(buf, 0, buf.length, Duration.ofMillis(WAIT_MILLIS));
            if (n == PipeReader.END_OF_STREAM) {
                break;
            }
            assertTrue("a read returns at least one byte: " + n, n > 0);
            seen.write(buf, 0, n);
            assertTrue("no more bytes than written: " + seen.size(), seen.size() <= pattern.length);
        }
        assertEquals("written", result("the writer", written));
        assertArrayEquals("the probe read what the writer wrote, in order", pattern, seen.toByteArray());
        assertTrue(writer.isClosed());
        assertEquals("the end of stream stays", PipeReader.END_OF_STREAM, reader.tryRead(buf, 0, buf.length));
        assertEquals(PipeReader.END_OF_STREAM, reader.read(buf, 0, buf.length));
        ObjectInfo info = reader.info();
        assertEquals(ObjectType.PIPE, info.type());
        assertFalse("an unnamed pipe is not persistent", info.persistent());
        assertEquals(pattern.length, info.statistics().get(Counter.BYTES_OUT));
    }

    @Test(timeout = 120_000)
    public void aNamedPipeWrittenByAShellIsReadByTheFixtureBundle() throws Exception {
        PipeService mine = service(context, PipeService.class);
        PipeService theirs = service(fixtureContext(), PipeService.class);
        mine.createNamed("fw-fifo", 0660);
        Path fifo = root.resolve("pipe").resolve("fw-fifo");
        assertTrue("the named pipe is a file under this test's root", Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
        assertFalse("the named pipe is not a regular file", Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS));
        expectError(IpcError.ALREADY_EXISTS, "create the named pipe twice", () -> theirs.createNamed("fw-fifo", 0660, true));

        PipeReader reader = keep(theirs.openReader("fw-fifo"));
        assertEquals("no writer yet: nothing available", PipeReader.NOTHING_AVAILABLE,
                reader.tryRead(new byte[16], 0, 16));

        Process shell = new ProcessBuilder("sh", "-c", "echo hello-gateway > \"$1\"", "sh", fifo.toString())
                .redirectErrorStream(true).start();
        try {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buf = new byte[64];
            while (true) {
                int n = reader.read(buf, 0, buf.length, Duration.ofMillis(WAIT_MILLIS));
                if (n == PipeReader.END_OF_STREAM) {
                    break;
                }
                seen.write(buf, 0, n);
                assertTrue("no more than the shell wrote: " + seen, seen.size() <= 64);
            }
            assertEquals("the fixture bundle read the shell's line, then the end of stream", "hello-gateway\n",
                    seen.toString(StandardCharsets.UTF_8));
            assertTrue("the shell ends", shell.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS));
            assertEquals("the shell's exit code; it said: " + new String(shell.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8), 0, shell.exitValue());
        } finally {
            shell.destroyForcibly();
        }

        assertEquals(ObjectType.PIPE, reader.type());
        assertEquals(java.util.Optional.of("fw-fifo"), reader.name());
        assertTrue("the named pipe is listed", runtime().object(ObjectType.PIPE, "fw-fifo").isPresent());
        reader.close();
        mine.unlink("fw-fifo");
        assertFalse(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
    }

    // ------------------------------------------------------------------ stopping the bundle

    @Test(timeout = 180_000)
    public void stoppingTheBundleWakesEveryReceiverAndReaderWithClosedAndRestartReadoptsTheQueues()
            throws Exception {
        MessageQueueService myQueues = service(context, MessageQueueService.class);
        MessageQueueService theirQueues = service(fixtureContext(), MessageQueueService.class);
        PipeService myPipes = service(context, PipeService.class);
        PipeService theirPipes = service(fixtureContext(), PipeService.class);
        Set<Thread> threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());

        // a queue that keeps its messages through the restart
        MessageQueue kept = keep(myQueues.create("fw-kept", new QueueOptions(32, 8, Set.of(), 0660)));
        send(kept, "kept-low", 2);
        send(kept, "kept-high", 20);
        send(kept, "kept-low-2", 2);

        // blocked receivers of both bundles on one queue
        MessageQueue probeQueue = keep(myQueues.create("fw-block", new QueueOptions(32, 8, Set.of(), 0660)));
        MessageQueue fixtureQueue = keep(theirQueues.open("fw-block"));
        // listeners of both bundles, on queues of their own
        MessageQueue probeListened = keep(myQueues.create("fw-listen-probe", new QueueOptions(32, 8, Set.of(), 0660)));
        MessageQueue fixtureListened = keep(theirQueues.create("fw-listen-fixture",
                new QueueOptions(32, 8, Set.of(), 0660)));
        QueueRegistration probeRegistration = keep(probeListened.register(q -> { }));
        QueueRegistration fixtureRegistration = keep(fixtureListened.register(q -> { }));
        assertEquals("two listener threads run: " + listenerThreads(), 2, listenerThreads().size());

        // blocked readers of both bundles: unnamed pipes of each, a named pipe with no writer
        Pipe probePipe = keep(myPipes.create(128, Set.of()));
        Pipe fixturePipe = keep(theirPipes.create(128, Set.of()));
        theirPipes.createNamed("fw-stop-fifo", 0660);
        PipeReader fixtureFifoReader = keep(theirPipes.openReader("fw-stop-fifo"));
        PipeReader probeFifoReader = keep(myPipes.openReader("fw-stop-fifo"));

        Map<String, Future<?>> blocked = new LinkedHashMap<>();
        blocked.put("probe receive", waiter(() -> probeQueue.receive(new byte[32], 0, 32, new MessageInfo())));
        blocked.put("fixture receive", waiter(() -> fixtureQueue.receive(new byte[32], 0, 32, new MessageInfo())));
        blocked.put("probe unnamed read", waiter(() -> probePipe.reader().read(new byte[16], 0, 16)));
        blocked.put("fixture unnamed read", waiter(() -> fixturePipe.reader().read(new byte[16], 0, 16)));
        blocked.put("probe named read", waiter(() -> probeFifoReader.read(new byte[16], 0, 16)));
        blocked.put("fixture named read", waiter(() -> fixtureFifoReader.read(new byte[16], 0, 16)));
        await("both bundles wait on the queue", () -> waits(probeQueue) >= 2);
        await("the probe waits on its unnamed pipe", () -> waits(probePipe.reader()) >= 1);
        await("the fixture bundle waits on its unnamed pipe", () -> waits(fixturePipe.reader()) >= 1);
        await("both bundles wait on the named pipe", () -> waits(probeFifoReader) >= 2);
        for (Map.Entry<String, Future<?>> e : blocked.entrySet()) {
            assertFalse(e.getKey() + " is blocked", e.getValue().isDone());
        }

        Bundle channels = installed(CHANNELS_BUNDLE);
        channels.stop();
        assertEquals(Bundle.RESOLVED, channels.getState());
        awaitWithdrawn(MessageQueueService.class);
        awaitWithdrawn(PipeService.class);

        Map<String, Object> outcomes = new LinkedHashMap<>();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Future<?>> e : blocked.entrySet()) {
            outcomes.put(e.getKey(), outcome(e.getValue()));
            expected.put(e.getKey(), IpcError.CLOSED);
        }
        assertEquals("every blocked receive and read ends with CLOSED", expected, outcomes);
        for (IpcObject handle : List.of(kept, probeQueue, fixtureQueue, probeListened, fixtureListened,
                probePipe.reader(), probePipe.writer(), fixturePipe.reader(), fixtureFifoReader, probeFifoReader)) {
            assertTrue(handle + " is closed", handle.isClosed());
        }
        assertFalse("the probe's registration ended", probeRegistration.isActive());
        assertFalse("the fixture bundle's registration ended", fixtureRegistration.isActive());
        expectClosed("send on a closed handle", () -> send(fixtureQueue, "late", 1));
        expectClosed("receive on a closed handle", () -> kept.tryReceive(new byte[32], 0, 32, null));
        expectClosed("write on a closed end", () -> probePipe.writer().tryWrite(new byte[1], 0, 1));
        expectClosed("open through the old queue service", () -> myQueues.open("fw-kept"));
        expectClosed("create through the old pipe service", () -> theirPipes.create(16, Set.of()));

        Set<Thread> ours = waiterThreads();
        assertEquals("six waiter threads ran", 6, ours.size());
        endWaiters();
        List<String> inChannels = threadsIn("org.multios.ipc.channels");
        assertTrue("no thread is left in the channels code: " + inChannels, inChannels.isEmpty());
        assertTrue("no listener thread is left: " + listenerThreads(), listenerThreads().isEmpty());
        Set<Thread> threadsAfter = Thread.getAllStackTraces().keySet();
        List<String> leftOver = new ArrayList<>();
        for (Thread t : threadsAfter) {
            if (ours.contains(t) || (!threadsBefore.contains(t) && t.getName().startsWith("ipc-"))) {
                leftOver.add(t.getName() + " (" + t.getState() + ")");
            }
        }
        assertTrue("live threads before " + threadsBefore.size() + ", after " + threadsAfter.size()
                + "; none of the waiters nor a new IPC thread is left: " + leftOver, leftOver.isEmpty());
        assertTrue("the queue's file stays", Files.isRegularFile(root.resolve("queue").resolve("fw-kept")));

        channels.start();
        assertEquals(Bundle.ACTIVE, channels.getState());
        MessageQueueService after = service(context, MessageQueueService.class);
        MessageQueue again = keep(after.open("fw-kept"));
        assertEquals(kept.id(), again.id());
        assertEquals("the messages survived the restart", 3, again.attributes().currentMessages());
        assertEquals(List.of("kept-high 20", "kept-low 2", "kept-low-2 2"), drain(again));
        MessageQueue blockedAgain = keep(after.open("fw-block"));
        assertEquals("nobody received from the blocked queue", 0, blockedAgain.attributes().currentMessages());
        QueueRegistration listenerAgain = keep(keep(after.open("fw-listen-probe")).register(q -> { }));
        assertTrue("the listener slot of the stopped registration is free again", listenerAgain.isActive());
        PipeService pipesAfter = service(fixtureContext(), PipeService.class);
        expectError(IpcError.ALREADY_EXISTS, "the named pipe stays", () -> pipesAfter.createNamed("fw-stop-fifo", 0660, true));
        assertTrue(runtime().object(ObjectType.QUEUE, "fw-kept").isPresent());
    }

    // ------------------------------------------------------------------ durable queues

    @Test(timeout = 120_000)
    public void aDurableQueueLivesInTheConfiguredDurableRootAndKeepsItsMessagesOverARestart() throws Exception {
        MessageQueueService theirs = service(fixtureContext(), MessageQueueService.class);
        MessageQueue queue = keep(theirs.create("fw-durable",
                QueueOptions.of(32, 8).withDurability(QueueDurability.SYNC).withMode(0660)));
        send(queue, "routine", 2);
        send(queue, "alarm", 20);
        assertTrue("the queue's file is in the durable root",
                Files.isRegularFile(durableRoot.resolve("queue").resolve("fw-durable"), LinkOption.NOFOLLOW_LINKS));
        assertFalse("and not in the IPC root", Files.exists(root.resolve("queue").resolve("fw-durable")));

        Bundle channels = installed(CHANNELS_BUNDLE);
        channels.stop();
        awaitWithdrawn(MessageQueueService.class);
        channels.start();
        MessageQueue again = keep(service(context, MessageQueueService.class).open("fw-durable"));
        assertEquals("found by name after the restart, in priority order", List.of("alarm 20", "routine 2"),
                drain(again));
    }

    // ------------------------------------------------------------------ reinstalling the bundle

    @Test(timeout = 120_000)
    public void uninstallingAndInstallingTheBundleAgainKeepsTheNamedQueuesWithTheirMessages() throws Exception {
        MessageQueueService mine = service(context, MessageQueueService.class);
        MessageQueueService theirs = service(fixtureContext(), MessageQueueService.class);
        PipeService pipes = service(context, PipeService.class);
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        Bundle security = installed("ipc.security");
        long fixtureModified = fixture.getLastModified();
        long securityModified = security.getLastModified();

        MessageQueue queue = keep(theirs.create("fw-re-queue", new QueueOptions(48, 10, Set.of(), 0640)));
        send(queue, "first", 4);
        send(queue, "urgent", 30);
        send(queue, "second", 4);
        MessageQueue other = keep(mine.create("fw-re-other", new QueueOptions(16, 2, Set.of(), 0600)));
        send(other, "x", 0);
        send(other, "y", 0);
        pipes.createNamed("fw-re-fifo", 0600);

        List<String> othersStopped = new CopyOnWriteArrayList<>();
        SynchronousBundleListener watcher = e -> {
            boolean channels = CHANNELS_BUNDLE.equals(e.getBundle().getSymbolicName());
            if (!channels && (e.getType() == BundleEvent.STOPPING || e.getType() == BundleEvent.STOPPED
                    || e.getType() == BundleEvent.STARTING || e.getType() == BundleEvent.UNRESOLVED)) {
                othersStopped.add(e.getBundle().getSymbolicName() + " " + e.getType());
            }
        };
        context.addBundleListener(watcher);
        try {
            Bundle channels = installed(CHANNELS_BUNDLE);
            channels.uninstall();
            awaitWithdrawn(MessageQueueService.class);
            awaitWithdrawn(PipeService.class);
            assertTrue("the handles are closed", queue.isClosed() && other.isClosed());
            expectClosed("send after uninstall", () -> send(queue, "lost", 1));
            refresh(channels);

            Path file = Path.of(System.getProperty(CHANNELS_FILE_PROPERTY));
            Bundle again;
            try (InputStream in = Files.newInputStream(file)) {
                again = context.installBundle("reinstalled:" + file, in);
            }
            again.start();
            assertEquals(Bundle.ACTIVE, again.getState());
            assertEquals("the reinstalled bundle is the ipc.channels bundle now", again, installed(CHANNELS_BUNDLE));

            MessageQueueService after = service(context, MessageQueueService.class);
            MessageQueueService theirsAfter = service(fixture.getBundleContext(), MessageQueueService.class);
            MessageQueue queueAgain = keep(after.open("fw-re-queue"));
            assertEquals(queue.id(), queueAgain.id());
            assertEquals(48, queueAgain.attributes().maxMessageSize());
            assertEquals(10, queueAgain.attributes().maxMessages());
            assertEquals(0640, queueAgain.info().permissions().mode());
            assertEquals("the messages survived the reinstall", List.of("urgent 30", "first 4", "second 4"),
                    drain(queueAgain));
            MessageQueue otherAgain = keep(theirsAfter.open("fw-re-other"));
            assertTrue("the full queue is still full", otherAgain.attributes().isFull());
            MessageInfo info = new MessageInfo();
            byte[] buf = new byte[16];
            assertEquals(1, otherAgain.receive(buf, 0, buf.length, info, Duration.ofMillis(WAIT_MILLIS)));
            assertEquals("x", new String(buf, 0, 1, StandardCharsets.UTF_8));
            assertEquals("the sender recorded before the reinstall", context.getBundle().getBundleId(),
                    info.senderId());

            PipeService pipesAfter = service(context, PipeService.class);
            expectError(IpcError.ALREADY_EXISTS, "the named pipe stays",
                    () -> pipesAfter.createNamed("fw-re-fifo", 0600, true));
            try (Pipe pipe = pipesAfter.create(16, Set.of())) {
                pipe.writer().write(new byte[] { 1, 2, 3 }, 0, 3);
                assertEquals("unnamed pipes work after the reinstall", 3, pipe.reader().read(new byte[8], 0, 8));
            }
            after.unlink("fw-re-queue");
            assertTrue(runtime().object(ObjectType.QUEUE, "fw-re-queue").isEmpty());
            assertTrue(runtime().object(ObjectType.QUEUE, "fw-re-other").isPresent());
        } finally {
            context.removeBundleListener(watcher);
        }
        assertTrue("no other bundle stopped or started, but: " + othersStopped, othersStopped.isEmpty());
        assertEquals(Bundle.ACTIVE, fixture.getState());
        assertEquals(Bundle.ACTIVE, security.getState());
        assertEquals("the fixture bundle was not restarted", fixtureModified, fixture.getLastModified());
        assertEquals("ipc.security was not restarted", securityModified, security.getLastModified());
    }

    // ------------------------------------------------------------------ helpers: messages

    private static void send(MessageQueue queue, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        queue.send(b, 0, b.length, priority, Duration.ofMillis(WAIT_MILLIS));
    }

    /** Every message waiting now, as "text priority", in the order received. */
    private static List<String> drain(MessageQueue queue) {
        List<String> all = new ArrayList<>();
        MessageInfo info = new MessageInfo();
        byte[] buf = new byte[queue.attributes().maxMessageSize()];
        for (int n; (n = queue.tryReceive(buf, 0, buf.length, info)) != MessageQueue.NO_MESSAGE;) {
            all.add(new String(buf, 0, n, StandardCharsets.UTF_8) + " " + info.priority());
        }
        return all;
    }

    private static long waits(IpcObject handle) {
        return handle.info().statistics().get(Counter.WAITS);
    }

    private static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 13 + (i >>> 8));
        }
        return b;
    }

    // ------------------------------------------------------------------ helpers: services

    private <S> ServiceReference<S> awaitService(Class<S> type) throws InterruptedException {
        await(type.getSimpleName() + " is published", () -> context.getServiceReference(type) != null);
        return context.getServiceReference(type);
    }

    private void awaitWithdrawn(Class<?> type) throws InterruptedException {
        await(type.getSimpleName() + " is withdrawn", () -> references(type.getName(), null).length == 0);
    }

    /** The API service of a type as the given bundle gets it, released after the test. */
    private <S> S service(BundleContext through, Class<S> type) throws InterruptedException {
        ServiceReference<S> ref = awaitService(type);
        S service = through.getService(ref);
        assertNotNull("service " + ref + " for " + through.getBundle().getSymbolicName(), service);
        toRelease.add(() -> {
            try {
                through.ungetService(ref);
            } catch (IllegalStateException stopped) {
                // the bundle's context is no longer valid
            }
        });
        return service;
    }

    private IpcRuntime runtime() throws InterruptedException {
        return service(context, IpcRuntime.class);
    }

    /** The context of the fixture bundle, which acts as a second IPC process. */
    private BundleContext fixtureContext() {
        Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
        assertEquals("the fixture bundle is active", Bundle.ACTIVE, fixture.getState());
        return fixture.getBundleContext();
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    // ------------------------------------------------------------------ helpers: threads

    private <T> Future<T> waiter(Callable<T> call) {
        return waiters.submit(call);
    }

    private static <T> T result(String what, Future<T> future) throws Exception {
        try {
            return future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " is still blocked");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The result of a waiter, or the error it ended with, waiting at most {@link #WAIT_MILLIS}. */
    private static Object outcome(Future<?> future) throws Exception {
        try {
            return "returned " + future.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause() instanceof IpcException ipc ? ipc.error() : e.getCause();
        } catch (TimeoutException e) {
            return "still blocked";
        }
    }

    private Set<Thread> waiterThreads() {
        return Set.copyOf(waiterThreads);
    }

    /** Ends the waiter pool and waits (bounded) for its threads to end. */
    private void endWaiters() throws InterruptedException {
        waiters.shutdown();
        assertTrue("the waiter pool ends", waiters.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        for (Thread t : waiterThreads) {
            t.join(WAIT_MILLIS);
            assertFalse(t.getName() + " ended", t.isAlive());
        }
    }

    /** Live threads with a frame in the given package prefix, with their top frames. */
    private static List<String> threadsIn(String packagePrefix) {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            for (StackTraceElement f : frames) {
                if (f.getClassName().startsWith(packagePrefix)) {
                    found.add(t.getName() + " (" + t.getState() + ") at " + f);
                    break;
                }
            }
        });
        return found;
    }

    /** Live listener threads of the queue mechanism. */
    private static List<String> listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith(LISTENER_THREAD_PREFIX)).toList();
    }

    // ------------------------------------------------------------------ helpers: errors and files

    private static void expectError(IpcError expected, String what, Runnable operation) {
        try {
            operation.run();
        } catch (IpcException e) {
            assertEquals(what + ": " + e.getMessage(), expected, e.error());
            return;
        }
        fail(what + " succeeded, expected " + expected);
    }

    private static void expectClosed(String what, Runnable operation) {
        expectError(IpcError.CLOSED, what, operation);
    }
}
