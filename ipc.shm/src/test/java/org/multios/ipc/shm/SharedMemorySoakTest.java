package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.IpcContext;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Soak of the atomic words of a named segment (issue #10, load): threads of several IPC
 * processes of this JVM and of child JVMs ({@link ShmSoakChildMain}), each on a mapping of its
 * own, hammer three counters of one segment for {@code ipc.soak.seconds} (default
 * {@value #DEFAULT_SECONDS} s): {@code getAndAddLong}, {@code getAndAddInt} and a
 * {@code compareAndSetLong} loop (layout in {@link ShmSoakWorker}). Each thread tallies what it
 * added and writes the tally into its own slot of the segment; the test asserts that every
 * counter equals the sum of the tallies (nothing lost, nothing counted twice) and that no thread
 * ever saw the long counter go back. Prints one {@code SOAK ...} summary line.
 */
@Tag("soak")
@Timeout(180)
class SharedMemorySoakTest extends ShmTestSupport {
    /** Seconds of load in the bounded form; {@code -Dipc.soak.seconds} for the longer one. */
    static final long DEFAULT_SECONDS = 3;

    private static final int PARENT_CONTEXTS = 2;
    private static final int THREADS_PER_CONTEXT = 2;
    private static final int CHILD_JVMS = 3;
    private static final int THREADS_PER_CHILD = 2;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChildProcessMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void countersHammeredFromThreadsAndChildJvmsAddUpExactly() throws Exception {
        long millis = TimeUnit.SECONDS.toMillis(Long.getLong("ipc.soak.seconds", DEFAULT_SECONDS));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(millis);
        String name = "soak-counters";
        IpcContext first = open();
        SharedMemory created = shm(first).create(name, ShmSoakWorker.SEGMENT_SIZE, 0600);
        int slots = 0;

        List<Process> processes = new ArrayList<>();
        Path logs = Files.createDirectories(tempDir.resolve("logs"));
        for (int j = 0; j < CHILD_JVMS; j++) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    ChildProcesses.childClassPath(ChildProcessMain.class), "-Dorg.multios.ipc.root=" + root,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ShmSoakChildMain.class.getName(), "hammer", name,
                    Integer.toString(slots), Integer.toString(THREADS_PER_CHILD), Long.toString(millis)));
            processes.add(children.start("hammer-" + j, command, logs.resolve("hammer-" + j + ".log")));
            slots += THREADS_PER_CHILD;
        }

        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Mapping> mappings = new ArrayList<>();
        for (int c = 0; c < PARENT_CONTEXTS; c++) {
            SharedMemory segment = c == 0 ? created : shm(open()).open(name);
            for (int t = 0; t < THREADS_PER_CONTEXT; t++) {
                Mapping m = segment.map(MapAccess.READ_WRITE);
                mappings.add(m);
                Thread w = new Thread(new ShmSoakWorker(m, slots++, deadline), "shm-soak-" + slots);
                w.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                threads.add(w);
                w.start();
            }
        }
        for (Thread w : threads) {
            w.join(millis + TimeUnit.SECONDS.toMillis(120));
            assertThat(w.isAlive()).as("%s ended", w.getName()).isFalse();
        }
        for (Process p : processes) {
            assertThat(children.awaitExit(p)).as("exit code of child %d; its output:%n%s", p.pid(), children.output(p))
                    .isZero();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(failures).isEmpty();

        try (Mapping m = created.map(MapAccess.READ_ONLY)) {
            long ops = 0;
            long sum = 0;
            long cas = 0;
            long violations = 0;
            for (int s = 0; s < slots; s++) {
                assertThat(m.getLongVolatile(ShmSoakWorker.slot(s, 0))).as("slot %d written", s).isPositive();
                ops += m.getLongVolatile(ShmSoakWorker.slot(s, 0));
                sum += m.getLongVolatile(ShmSoakWorker.slot(s, 1));
                cas += m.getLongVolatile(ShmSoakWorker.slot(s, 2));
                violations += m.getLongVolatile(ShmSoakWorker.slot(s, 3));
            }
            long addLong = m.getLongVolatile(ShmSoakWorker.ADD_LONG);
            int addInt = m.getIntVolatile(ShmSoakWorker.ADD_INT);
            long casLong = m.getLongVolatile(ShmSoakWorker.CAS_LONG);
            long lost = (sum - addLong) + (cas - casLong);
            System.out.printf("SOAK shm-counters: operations=%d (getAndAddLong + getAndAddInt %d each, CAS %d) "
                    + "processes=%d threads=%d duration=%.1fs sum=%d getAndAddLong=%d getAndAddInt=%d(int of sum %d) "
                    + "cas=%d lost=%d monotonicityViolations=%d%n", 2 * ops + cas, ops, cas, 1 + CHILD_JVMS, slots,
                    seconds, sum, addLong, addInt, (int) sum, casLong, lost, violations);
            assertThat(addLong).as("getAndAddLong counter = sum of every thread's deltas").isEqualTo(sum);
            assertThat(addInt).as("getAndAddInt counter = sum of deltas, as int").isEqualTo((int) sum);
            assertThat(casLong).as("CAS counter = every thread's CAS increments").isEqualTo(cas);
            assertThat(violations).as("a thread saw the long counter go back").isZero();
        }
        mappings.forEach(Mapping::close);
    }
}
