package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Issue 10, faults: child JVMs that map shared segments and write into them are killed with
 * SIGKILL mid-write, round after round. This process keeps using the segment it shares with
 * them, and garbage collection removes the segments the dead children created and nobody maps,
 * but not the shared one, whose creator (this JVM) lives. System property
 * {@code ipc.crash.shmRounds} (default 3, two children each) for a longer soak.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KilledMapperTest {
    private static final int ROUNDS = Integer.getInteger("ipc.crash.shmRounds", 3);
    private static final int CHILDREN = 2;
    private static final long SIZE = 64 * 1024;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChildProcessMain.class);

    @TempDir
    Path temp;

    private Path root;
    private IpcContext ipc;

    @BeforeEach
    void open() throws Exception {
        assumeTrue(ProcessMaps.isSupported(), "no /proc/<pid>/maps here");
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void close() throws InterruptedException {
        try {
            children.destroyAll();
        } finally {
            if (ipc != null) {
                ipc.close();
            }
        }
    }

    @Test
    void othersContinueAndGcReclaimsTheSegmentsOfKilledMappers() throws Exception {
        long start = System.nanoTime();
        SharedMemoryService shm = ipc.service(SharedMemoryService.class);
        int kills = 0;
        long collected = 0;
        try (SharedMemory shared = shm.create("killed-shared", SIZE, 0600);
                Mapping mine = shared.map(MapAccess.READ_WRITE)) {
            for (int round = 0; round < ROUNDS; round++) {
                List<Process> ps = new ArrayList<>();
                List<String> own = new ArrayList<>();
                for (int c = 0; c < CHILDREN; c++) {
                    String name = "killed-own-" + round + "-" + c;
                    own.add(name);
                    ps.add(children.startJava("hammer " + name, root, temp.resolve(name + ".log"), "hammer",
                            "killed-shared", name, Long.toString(SIZE)));
                }
                for (Process p : ps) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!children.output(p).contains("hammering") && p.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    assertThat(children.output(p)).as("child mapped and writes").contains("hammering");
                }
                long before = mine.getLongVolatile(0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (mine.getLongVolatile(0) < before + 10_000 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                for (Process p : ps) {
                    p.destroyForcibly();
                    kills++;
                }
                for (Process p : ps) {
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
                }
                // this process goes on with the shared segment: its adds all count
                long now = mine.getLongVolatile(0);
                for (int i = 0; i < 1000; i++) {
                    mine.getAndAddLong(0, 1);
                }
                assertThat(mine.getLongVolatile(0)).as("nobody else writes any more").isEqualTo(now + 1000);
                for (String name : own) {
                    assertThat(root.resolve("shm").resolve(name)).as("left behind by the killed child").exists();
                }
                List<ObjectInfo> removed = ipc.runtime().collectStale();
                boolean provable = ShmTestSupport.canProveUnmapped(); // else nothing may be removed
                assertThat(removed).extracting(ObjectInfo::displayName)
                        .containsExactlyInAnyOrderElementsOf(provable ? own : List.of());
                collected += removed.size();
                for (String name : own) {
                    assertThat(root.resolve("shm").resolve(name)).as(name).matches(f -> Files.exists(f) != provable);
                }
                assertThat(root.resolve("shm").resolve("killed-shared")).as("its creator lives").exists();
            }
            // a new process can still map and use the shared segment
            try (SharedMemory again = shm.open("killed-shared"); Mapping m = again.map(MapAccess.READ_WRITE)) {
                long v = m.getAndAddLong(0, 1);
                assertThat(mine.getLongVolatile(0)).isEqualTo(v + 1);
            }
        }
        System.out.printf("RELIABILITY killed mappers: %d processes, %d SIGKILLs mid-write, %d segments collected,"
                + " %d ms%n", ROUNDS * CHILDREN, kills, collected,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
