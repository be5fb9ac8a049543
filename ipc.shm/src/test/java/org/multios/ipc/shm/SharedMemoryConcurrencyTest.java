package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/** Many threads, several "processes", one segment. No timing is asserted; every test is bounded. */
class SharedMemoryConcurrencyTest extends ShmTestSupport {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    /** Runs the tasks on their own threads, all released together, and returns their results. */
    private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CyclicBarrier start = new CyclicBarrier(tasks.size());
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void getAndAddFromEightThreadsThroughDifferentMappingsIsExact() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory sa = shm(a).create("counter", 4096, 0600);
            SharedMemory sb = shm(b).open("counter");
            int threads = 8;
            int perThread = 100_000;
            List<Mapping> mappings = new ArrayList<>();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Mapping m = (t % 2 == 0 ? sa : sb).map(MapAccess.READ_WRITE);
                mappings.add(m);
                tasks.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        m.getAndAddLong(64, 1);
                    }
                    return null;
                });
            }
            runTogether(tasks);
            mappings.forEach(Mapping::close);
            try (Mapping check = sb.map(MapAccess.READ_ONLY)) {
                assertThat(check.getLongVolatile(64)).isEqualTo((long) threads * perThread);
            }
            assertThat(sa.info().statistics().get(Counter.ATOMIC_OPERATIONS))
                    .isEqualTo((long) threads * perThread + 1);
        });
    }

    @Test
    void compareAndSetSpinCounterIsExact() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory sa = shm(a).create("cas", 4096, 0600);
            SharedMemory sb = shm(b).open("cas");
            int threads = 4;
            int perThread = 20_000;
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SharedMemory s = t % 2 == 0 ? sa : sb;
                tasks.add(() -> {
                    int retries = 0;
                    try (Mapping window = s.map(MapAccess.READ_WRITE, 8, 64)) {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                int v = window.getIntVolatile(0);
                                if (window.compareAndSetInt(0, v, v + 1)) {
                                    break;
                                }
                                retries++;
                            }
                        }
                    }
                    return retries;
                });
            }
            runTogether(tasks);
            try (Mapping m = sa.map(MapAccess.READ_ONLY)) {
                assertThat(m.getIntVolatile(8)).isEqualTo(threads * perThread);
            }
        });
    }

    @Test
    void aSpinLockInTheSegmentGuardsPlainAccesses() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext a = open();
            IpcContext b = open();
            SharedMemory sa = shm(a).create("spinlock", 4096, 0600);
            SharedMemory sb = shm(b).open("spinlock");
            int threads = 4;
            int perThread = 10_000;
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SharedMemory s = t % 2 == 0 ? sa : sb;
                tasks.add(() -> {
                    try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                        for (int i = 0; i < perThread; i++) {
                            while (!m.compareAndSetInt(0, 0, 1)) {
                                Thread.onSpinWait();
                            }
                            m.putLong(128, m.getLong(128) + 1);
                            m.putIntRelease(0, 0);
                        }
                    }
                    return null;
                });
            }
            runTogether(tasks);
            try (Mapping m = sb.map(MapAccess.READ_ONLY)) {
                assertThat(m.getLong(128)).isEqualTo((long) threads * perThread);
                assertThat(m.getIntAcquire(0)).isZero();
            }
        });
    }

    @Test
    void concurrentOpenOrCreatesOfOneNameAllGetTheOneSegment() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext a = open();
            IpcContext b = open();
            int threads = 12;
            for (int round = 0; round < 5; round++) {
                String name = "shared-" + round;
                List<Callable<Object>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    SharedMemoryService service = shm(t % 2 == 0 ? a : b);
                    tasks.add(() -> service.create(name, 64 * 1024, 0600));
                }
                List<Object> results = runTogether(tasks);
                assertThat(results).as("round %d", round).hasSize(threads).allMatch(SharedMemory.class::isInstance);
                ((SharedMemory) results.get(0)).write(0, new byte[] { 7 });
                for (Object r : results) {
                    byte[] seen = new byte[1];
                    ((SharedMemory) r).read(0, seen);
                    assertThat(seen[0]).as("round %d: every handle is on one segment", round).isEqualTo((byte) 7);
                }
            }
            assertThat(filesInShmDirectory()).containsExactly("shared-0", "shared-1", "shared-2", "shared-3",
                    "shared-4");
        });
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext a = open();
            IpcContext b = open();
            int threads = 12;
            for (int round = 0; round < 5; round++) {
                String name = "race-" + round;
                List<Callable<Object>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    SharedMemoryService service = shm(t % 2 == 0 ? a : b);
                    int mark = t + 1;
                    tasks.add(() -> {
                        try {
                            SharedMemory s = service.create(name, 64 * 1024, 0600, true);
                            s.write(0, new byte[] { (byte) mark });
                            return s;
                        } catch (IpcException e) {
                            return e.error();
                        }
                    });
                }
                List<Object> results = runTogether(tasks);
                List<SharedMemory> winners = results.stream().filter(SharedMemory.class::isInstance)
                        .map(SharedMemory.class::cast).toList();
                assertThat(winners).as("round %d", round).hasSize(1);
                assertThat(results.stream().filter(r -> !(r instanceof SharedMemory)))
                        .as("round %d", round).hasSize(threads - 1).containsOnly(IpcError.ALREADY_EXISTS);
                byte[] mark = new byte[1];
                winners.get(0).read(0, mark);
                byte[] seen = new byte[1];
                shm(open()).open(name).read(0, seen);
                assertThat(seen).isEqualTo(mark);
            }
            assertThat(filesInShmDirectory()).as("no hidden temporary files are left")
                    .containsExactly("race-0", "race-1", "race-2", "race-3", "race-4");
        });
    }

    @Test
    void concurrentAnonymousSegmentsAreDistinct() {
        assertTimeoutPreemptively(LIMIT, () -> {
            IpcContext ctx = open();
            int threads = 8;
            List<Callable<SharedMemory>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int mark = t;
                tasks.add(() -> {
                    SharedMemory s = shm(ctx).createAnonymous(4096);
                    try (Mapping m = s.map(MapAccess.READ_WRITE)) {
                        m.putIntVolatile(0, mark);
                    }
                    return s;
                });
            }
            List<SharedMemory> made = runTogether(tasks);
            for (int t = 0; t < threads; t++) {
                try (Mapping m = made.get(t).map(MapAccess.READ_ONLY)) {
                    assertThat(m.getIntVolatile(0)).isEqualTo(t);
                }
            }
            assertThat(made.stream().map(SharedMemory::id).distinct()).hasSize(threads);
            assertThat(filesInShmDirectory()).isEmpty();
        });
    }
}
