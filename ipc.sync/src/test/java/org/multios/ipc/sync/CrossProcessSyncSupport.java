package org.multios.ipc.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcObject;
import org.multios.ipc.event.EventService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * What the cross-process tests share: a fresh IPC root, this JVM's context on it (sync, events
 * and shared memory), child JVMs ({@link SyncChildMain}) attached to the same root and
 * destroyed after each test, and bounded waits. Linux only: the objects' owner-death and
 * kernel-wait behaviour is what these tests check.
 */
abstract class CrossProcessSyncSupport {
    /** The longest the parent waits for anything that should happen. */
    static final long WAIT_SECONDS = ChildProcesses.WAIT_SECONDS;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(SyncChildMain.class, "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    @TempDir
    Path temp;

    Path root;
    Path logs;
    private int childLogs;
    IpcContext ipc;
    SyncService sync;
    EventService events;
    SharedMemoryService shm;

    @BeforeEach
    void openPlatform() throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "cross-process synchronization tests run on Linux");
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
        logs = Files.createDirectories(temp.resolve("logs"));
        ipc = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events(), new SharedMemoryFactory()));
        sync = ipc.service(SyncService.class);
        events = ipc.service(EventService.class);
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

    /** Starts a child JVM with the given command. */
    Process child(String label, String... args) throws IOException {
        return children.startJava(label, root, logs.resolve(label + "-" + childLogs++ + ".log"), args);
    }

    /** The value of a counter of the object's shared page (counted by every process using it). */
    static long counter(IpcObject object, Counter counter) {
        return object.info().statistics().get(counter);
    }

    /**
     * Waits (bounded) until the condition holds; fails if the time passes or, when
     * {@code child} is given, the child ends with an error first.
     */
    void await(String what, Process child, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (child != null && !child.isAlive() && child.exitValue() != 0) {
                throw new AssertionError("the child ended with " + child.exitValue() + " before " + what
                        + "; its output:\n" + children.output(child));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what
                        + (child == null ? "" : "; child output:\n" + children.output(child)));
            }
            Thread.sleep(5);
        }
    }
}
