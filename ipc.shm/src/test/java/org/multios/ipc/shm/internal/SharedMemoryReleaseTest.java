package org.multios.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.Quota;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * A release that overlaps a create waits for it and gives its quota back; creates that overlap at
 * the object limit cannot both pass it. The window is held open by the mechanism's hook.
 */
class SharedMemoryReleaseTest {
    @TempDir
    Path root;

    private SharedMemoryMechanism mechanism;
    private final StepPause pause = new StepPause();
    private final RecordingCaller bounded = new RecordingCaller(1, System.getProperty("user.name"),
            Map.of(Quota.OBJECTS, 5L, Quota.SHARED_MEMORY_BYTES, 1L << 20));

    private SharedMemoryMechanism mechanism(IpcLimits limits) {
        mechanism = new SharedMemoryMechanism(new IpcEnvironment(root, limits));
        mechanism.hook(pause);
        return mechanism;
    }

    @AfterEach
    void stop() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    private static FutureTask<SharedMemory> start(String name, java.util.concurrent.Callable<SharedMemory> task) {
        FutureTask<SharedMemory> f = new FutureTask<>(task);
        Thread t = new Thread(f, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Test
    @Timeout(30)
    void releaseWaitsForACreateUnderWayAndGivesBackItsQuota() throws Exception {
        SharedMemoryService shm = mechanism(IpcLimits.defaults()).bind(bounded);
        pause.arm(SharedMemoryMechanism.STEP_CREATING);
        FutureTask<SharedMemory> create = start("creating", () -> shm.create("late", 4096, 0600));
        pause.awaitReached();

        boolean returned = pause.runWhileHeld("releasing", () -> mechanism.release(bounded));

        assertThat(returned).as("release returned while a create was under way").isFalse();
        SharedMemory made = create.get(20, TimeUnit.SECONDS);
        assertThat(made.isClosed()).as("the release closed the handle the create made").isTrue();
        assertThat(root.resolve("shm").resolve("late")).as("made before the release returned").exists();
        assertThat(bounded.used(Quota.OBJECTS)).as("objects given back by the release").isZero();
        assertThat(bounded.used(Quota.SHARED_MEMORY_BYTES)).as("bytes given back by the release").isZero();
    }

    @Test
    @Timeout(30)
    void concurrentCreatesCannotBothPassTheObjectLimit() throws Exception {
        mechanism(IpcLimits.defaults().with(Limit.OBJECTS, 1));
        RecordingCaller other = RecordingCaller.osUser(2);
        pause.arm(SharedMemoryMechanism.STEP_CREATING);
        FutureTask<SharedMemory> first = start("creating-first",
                () -> mechanism.bind(bounded).create("first", 4096, 0600));
        pause.awaitReached();

        mechanism.bind(other).create("second", 4096, 0600);
        pause.resume();

        try {
            first.get(20, TimeUnit.SECONDS);
            throw new AssertionError("both creates passed the limit of one object");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));
        }
        assertThat(root.resolve("shm").resolve("first")).doesNotExist();
        assertThat(bounded.used(Quota.OBJECTS)).isZero();
    }
}
