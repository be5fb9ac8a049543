package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Soak of a named auto-reset event (issue #21 item 3): signallers and waiters in
 * {@value #PARENT_CONTEXTS} IPC processes of this JVM and {@value #CHILD_JVMS} child JVMs
 * ({@link EventSoakChildMain}) for {@code ipc.soak.seconds} (default
 * {@value SyncSoakTest#DEFAULT_SECONDS} s). Every datum is unique; the waiters record each one
 * they take in a bitmap in shared memory (see {@link EventSoakWorker}). Checked: no datum taken
 * twice, no waiter ever gets a signaller's datum older than one it got before, nothing unknown,
 * and once every signaller stopped, a last signal is taken (the latest is never lost) and the
 * event is left not signalled. Prints one {@code SOAK event ...} line.
 */
@Tag("soak")
@Timeout(180)
class EventSoakTest {
    private static final int PARENT_CONTEXTS = 2;
    private static final int CHILD_JVMS = 2;
    private static final int WAITERS_PER_CHILD = 2;
    private static final int SIGNALLERS = PARENT_CONTEXTS + CHILD_JVMS;
    private static final int LAST = SIGNALLERS;

    @TempDir
    Path temp;

    private Path root;
    private final List<IpcContext> contexts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void makeRoot() throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "cross-process event soak runs on Linux");
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(60, TimeUnit.SECONDS);
        }
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }

    private IpcContext context() {
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults().with(Limit.SEGMENT_SIZE,
                EventSoakWorker.SEGMENT_SIZE)),
                List.of(new SyncFactories.Events(), new SharedMemoryFactory()));
        contexts.add(c);
        return c;
    }

    @Test
    void eachSignalIsTakenAtMostOnceAndTheLatestIsNeverLost() throws Exception {
        long millis = TimeUnit.SECONDS.toMillis(Long.getLong("ipc.soak.seconds", SyncSoakTest.DEFAULT_SECONDS));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(millis);
        IpcContext first = context();
        EventService events = first.service(EventService.class);
        Event event = events.create("soak-event", EventType.AUTO_RESET, Set.of(), 0600);
        events.create("soak-quiet", EventType.AUTO_RESET, Set.of(), 0600);
        SharedMemory segment = first.service(SharedMemoryService.class).create("soak-event-state",
                EventSoakWorker.SEGMENT_SIZE, 0600);
        int slot = 0;
        for (int j = 0; j < CHILD_JVMS; j++) {
            startChild("event-" + j, List.of("soak-event", "soak-quiet", "soak-event-state", Integer.toString(j),
                    Integer.toString(slot), Integer.toString(WAITERS_PER_CHILD), Long.toString(millis)));
            slot += 1 + WAITERS_PER_CHILD;
        }
        List<Thread> threads = new ArrayList<>();
        List<Mapping> mappings = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < PARENT_CONTEXTS; c++) {
            IpcContext context = c == 0 ? first : context();
            EventService es = context.service(EventService.class);
            SharedMemory mine = context.service(SharedMemoryService.class).open("soak-event-state");
            for (int role = 0; role < 2; role++) {
                Mapping m = mine.map(MapAccess.READ_WRITE);
                mappings.add(m);
                EventSoakWorker w = role == 0
                        ? EventSoakWorker.signaller(es.open("soak-event"), m, slot, CHILD_JVMS + c, deadline)
                        : EventSoakWorker.waiter(es.open("soak-event"), es, es.open("soak-quiet"), m, slot);
                Thread t = new Thread(w, "event-soak-" + slot);
                slot++;
                t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                threads.add(t);
                t.start();
            }
        }
        try (Mapping m = segment.map(MapAccess.READ_WRITE)) {
            awaitWord(m, EventSoakWorker.SIGNALLERS_DONE, SIGNALLERS, millis + 120_000, "every signaller stopped");
            event.signal(EventSoakWorker.datum(LAST, 1));
            long lastWait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!EventSoakWorker.taken(m, LAST, 1) && System.nanoTime() - lastWait < 0) {
                Thread.sleep(1);
            }
            boolean lastTaken = EventSoakWorker.taken(m, LAST, 1);
            m.putIntVolatile(EventSoakWorker.STOP, 1);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
            }
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child %d ended; its output:%n%s", p.pid(), output(i))
                        .isTrue();
                assertThat(p.exitValue()).as("exit code of child %d; its output:%n%s", p.pid(), output(i)).isZero();
            }
            assertThat(failures).as("failures of the threads of this JVM").isEmpty();
            long signals = 0;
            long capped = 0;
            long takes = 0;
            long duplicates = 0;
            long stale = 0;
            long unknown = 0;
            for (int s = 0; s < slot; s++) {
                boolean signaller = isSignallerSlot(s);
                long count = m.getLongVolatile(EventSoakWorker.slot(s, 0));
                if (signaller) {
                    signals += count;
                    capped += count == EventSoakWorker.BITS - 1 ? 1 : 0;
                } else {
                    takes += count;
                    duplicates += m.getLongVolatile(EventSoakWorker.slot(s, 1));
                    stale += m.getLongVolatile(EventSoakWorker.slot(s, 2));
                    unknown += m.getLongVolatile(EventSoakWorker.slot(s, 3));
                }
            }
            System.out.printf("SOAK event: signals=%d taken=%d coalesced=%d processes=%d signallers=%d waiters=%d "
                    + "duration=%.1fs duplicates=%d stale=%d unknown=%d lastTaken=%s signallersAtTheirCap=%d%n",
                    signals + 1, takes, signals + 1 - takes, 1 + CHILD_JVMS, SIGNALLERS, slot - SIGNALLERS,
                    (System.nanoTime() - started) / 1e9, duplicates, stale, unknown, lastTaken, capped);
            assertThat(duplicates).as("data taken twice").isZero();
            assertThat(stale).as("data older than one the same waiter took before").isZero();
            assertThat(unknown).as("data no signaller made").isZero();
            assertThat(lastTaken).as("the last signal, made when every other had been, was taken").isTrue();
            assertThat(takes).as("takes, at most one per signal").isBetween(1L, signals + 1);
            assertThat(event.isSignalled()).as("nothing left signalled after the last take").isFalse();
        }
        mappings.forEach(Mapping::close);
    }

    /** Slots are given out child by child (a signaller, then its waiters), then in pairs here. */
    private static boolean isSignallerSlot(int s) {
        int childSlots = CHILD_JVMS * (1 + WAITERS_PER_CHILD);
        return s < childSlots ? s % (1 + WAITERS_PER_CHILD) == 0 : (s - childSlots) % 2 == 0;
    }

    private static void awaitWord(Mapping m, long offset, int value, long millis, String what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (m.getIntVolatile(offset) < value) {
            assertThat(System.nanoTime() - end).as(what).isNegative();
            Thread.sleep(5);
        }
    }

    private void startChild(String label, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ChildProcesses.childClassPath(EventSoakChildMain.class),
                "-Dorg.multios.ipc.root=" + root, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dipc.soak.eventBits=" + EventSoakWorker.BITS, EventSoakChildMain.class.getName()));
        command.addAll(args);
        Path log = temp.resolve(label + ".log");
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        logs.add(log);
    }

    private String output(int i) throws IOException {
        return Files.exists(logs.get(i)) ? Files.readString(logs.get(i), StandardCharsets.UTF_8) : "";
    }
}
