package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Quota;
import org.multios.ipc.event.EventType;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * Issue #16 item 4 for synchronization objects and events: the objects quota counts what the
 * root holds of the owner's, of every kind together, so neither ending the session nor starting
 * the mechanisms again gives it back; of two creators racing for the last place exactly one
 * keeps its object.
 */
@Timeout(60)
class SyncRootQuotaTest {
    private static final String USER = System.getProperty("user.name");

    @TempDir
    Path root;

    private SyncMechanism sync;
    private EventMechanism events;

    private void startMechanisms() {
        stop();
        sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        events = new EventMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void stop() {
        if (sync != null) {
            sync.close();
            events.close();
        }
    }

    private static RecordingCaller withObjects(long id, long objects) {
        return new RecordingCaller(id, USER, Map.of(Quota.OBJECTS, objects));
    }

    @Test
    void namedSyncObjectsAndEventsHoldTheObjectsQuotaAcrossSessionsAndRestarts() {
        startMechanisms();
        RecordingCaller first = withObjects(1, 3);
        sync.bind(first).createSemaphore("s", SemaphoreOptions.of(0), 0600);
        sync.bind(first).createMutex("m", MutexOptions.DEFAULT, 0600);
        events.bind(first).create("e", EventType.AUTO_RESET, Set.of(), 0600);
        assertOverQuota(() -> sync.bind(first).createSemaphore("s2", SemaphoreOptions.of(0), 0600));
        sync.release(first);
        events.release(first);

        RecordingCaller nextSession = withObjects(1, 3);
        assertOverQuota(() -> events.bind(nextSession).create("e2", EventType.AUTO_RESET, Set.of(), 0600));

        startMechanisms();
        RecordingCaller afterRestart = withObjects(2, 3);
        assertOverQuota(() -> sync.bind(afterRestart).createMutex("m2", MutexOptions.DEFAULT, 0600));
        assertThat(root.resolve("mutex").resolve("m2")).doesNotExist();

        assertOverQuota(() -> sync.bind(afterRestart).createSemaphore(SemaphoreOptions.of(0)));

        events.bind(afterRestart).unlink("e");
        sync.bind(afterRestart).createMutex("m2", MutexOptions.DEFAULT, 0600);
        assertThat(afterRestart.used(Quota.OBJECTS)).as("nothing is left reserved in the session").isZero();
    }

    @Test
    void ofTwoCreatorsRacingForTheLastObjectExactlyOneKeepsIt() throws Exception {
        startMechanisms();
        StepPause pause = new StepPause().arm(1);
        PausingCaller paused = new PausingCaller(withObjects(1, 1), pause);
        CompletableFuture<Object> first = new CompletableFuture<>();
        start("creating-first", first,
                () -> sync.bind(paused).createSemaphore("first", SemaphoreOptions.of(0), 0600));
        pause.awaitReached();

        sync.bind(withObjects(2, 1)).createSemaphore("second", SemaphoreOptions.of(0), 0600);
        pause.resume();

        assertThatThrownBy(() -> first.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));
        assertThat(root.resolve("semaphore").resolve("first")).doesNotExist();
        assertThat(root.resolve("semaphore").resolve("second")).exists();
    }

    private static void assertOverQuota(ThrowingCallable create) {
        assertThatThrownBy(create).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains(USER).contains(Quota.OBJECTS.key());
        });
    }
}
