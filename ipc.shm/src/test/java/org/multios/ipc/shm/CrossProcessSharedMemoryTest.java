package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.ChildProcesses;

/**
 * A named segment shared with another JVM that attaches through the plain-Java bootstrap
 * ({@link Ipc#open()} with the IPC root from the system property): data and a flag written
 * there are seen here, atomic adds of both processes on one word are all counted, and a
 * segment the other process created and left behind is listed with it as creator, kept while
 * mapped here, and collected once that process is gone and nothing maps it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrossProcessSharedMemoryTest {
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChildProcessMain.class);

    @TempDir
    Path temp;

    private Path root;
    private Path logs;
    private IpcContext ipc;
    private SharedMemoryService shm;

    @BeforeEach
    void openPlatform() throws IOException {
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
        logs = Files.createDirectories(temp.resolve("logs"));
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        shm = ipc.service(SharedMemoryService.class);
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        try {
            children.destroyAll();
        } finally {
            if (ipc != null) {
                ipc.close();
            }
        }
    }

    @Test
    void childWritesPatternAndFlagThatTheParentSees() throws Exception {
        int offset = 4096;
        int length = 10_000;
        long flag = 64;
        try (SharedMemory segment = shm.create("xp-flag", 64 * 1024, 0600);
                Mapping m = segment.map(MapAccess.READ_WRITE)) {
            Process child = children.startJava("writer", root, logs.resolve("writer.log"), "write", "xp-flag",
                    Long.toString(offset), Integer.toString(length), Long.toString(flag));

            await("the child sets the flag", child, () -> m.getIntVolatile(flag) == 1);

            byte[] seen = new byte[length];
            m.read(offset, seen, 0, length);
            for (int i = 0; i < length; i++) {
                if (seen[i] != ChildProcessMain.pattern(0x5A, i)) {
                    throw new AssertionError("byte " + i + " is " + seen[i] + ", the child wrote "
                            + ChildProcessMain.pattern(0x5A, i));
                }
            }
            assertThat(m.getByte(offset - 1)).as("byte before the pattern").isZero();
            assertThat(m.getByte(offset + length)).as("byte after the pattern").isZero();
            assertThat(children.awaitExit(child)).as("child exit code; output:%n%s", children.output(child)).isZero();
        }
    }

    @Test
    void concurrentAtomicAddsOfBothProcessesAreAllCounted() throws Exception {
        int n = 200_000;
        long word = 0;
        long ready = 64;
        long go = 128;
        try (SharedMemory segment = shm.create("xp-add", 4096, 0600);
                Mapping m = segment.map(MapAccess.READ_WRITE)) {
            Process child = children.startJava("adder", root, logs.resolve("adder.log"), "add", "xp-add",
                    Long.toString(word), Long.toString(ready), Long.toString(go), Integer.toString(n));
            await("the child is ready to add", child, () -> m.getLongVolatile(ready) == 1);

            m.putLongVolatile(go, 1);
            for (int i = 0; i < n; i++) {
                m.getAndAddLong(word, 1);
            }

            assertThat(children.awaitExit(child)).as("child exit code; output:%n%s", children.output(child)).isZero();
            assertThat(m.getLongVolatile(word)).isEqualTo(2L * n);
        }
    }

    @Test
    void segmentLeftByAnExitedChildIsListedWithTheChildAsCreator() throws Exception {
        long childPid = createAndLeave("xp-left", 8192);

        Optional<ObjectInfo> left = ipc.runtime().object(ObjectType.SHARED_MEMORY, "xp-left");
        assertThat(left).as("the segment outlives its creator").isPresent();
        ObjectInfo info = left.get();
        assertThat(info.creator().pid()).isEqualTo(childPid);
        assertThat(info.creator().kind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(info.creator().pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(info.capacity()).isEqualTo(8192);
        assertThat(info.persistent()).isTrue();
        assertThat(ipc.runtime().objects()).extracting(ObjectInfo::displayName).contains("xp-left");
        assertThat(root.resolve("shm").resolve("xp-left")).exists();
    }

    @Test
    void segmentLeftByAnExitedChildIsCollectedOnceNothingMapsIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ShmTestSupport.canProveUnmapped(), ShmTestSupport.MAPS_UNREADABLE);
        long childPid = createAndLeave("xp-stale", 8192);
        assertThat(ipc.runtime().object(ObjectType.SHARED_MEMORY, "xp-stale")).isPresent();

        List<ObjectInfo> removed = ipc.runtime().collectStale();

        assertThat(removed).as("collected; processes mapping the file now: %s",
                ProcessMaps.mappers(root.resolve("shm").resolve("xp-stale")))
                .extracting(ObjectInfo::displayName).containsExactly("xp-stale");
        assertThat(removed.get(0).creator().pid()).isEqualTo(childPid);
        assertThat(ipc.runtime().object(ObjectType.SHARED_MEMORY, "xp-stale")).isEmpty();
        assertThat(root.resolve("shm").resolve("xp-stale")).doesNotExist();
    }

    @Test
    void segmentOfAnExitedChildIsKeptWhileThisProcessHoldsAHandle() throws Exception {
        createAndLeave("xp-held", 4096);

        try (SharedMemory held = shm.open("xp-held"); Mapping m = held.map(MapAccess.READ_ONLY)) {
            for (int i = 0; i < 256; i++) {
                assertThat(m.getByte(i)).as("byte %d the child wrote", i).isEqualTo(ChildProcessMain.pattern(0x11, i));
            }
            assertThat(ipc.runtime().collectStale()).as("a mapped segment is in use").isEmpty();
            assertThat(root.resolve("shm").resolve("xp-held")).exists();
        }
    }

    /** Lets a child JVM create a named segment and exit; returns the child's pid. */
    private long createAndLeave(String name, long size) throws Exception {
        Process child = children.startJava("creator", root, logs.resolve("creator-" + name + ".log"), "create", name,
                Long.toString(size));
        long pid = child.pid();
        assertThat(children.awaitExit(child)).as("child exit code; output:%n%s", children.output(child)).isZero();
        assertThat(children.output(child)).contains("created " + pid);
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the child is gone").isEmpty();
        return pid;
    }

    /** Waits until the condition holds; fails if the deadline passes or the child ends first with an error. */
    private void await(String what, Process child, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (!child.isAlive() && child.exitValue() != 0) {
                throw new AssertionError("the child ended with " + child.exitValue() + " before " + what
                        + "; its output:\n" + children.output(child));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; child output:\n"
                        + children.output(child));
            }
            Thread.sleep(1);
        }
    }
}
