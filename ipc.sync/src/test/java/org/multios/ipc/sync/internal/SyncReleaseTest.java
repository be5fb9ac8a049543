package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Issue #26 item 6 for synchronization objects: releasing a session waits for the create under
 * way, so what it makes exists when the release returns and the release gives its quota back;
 * later calls through the service kept fail with CLOSED. Closing the mechanism refuses new
 * callers before it marks the sessions closed: a caller bound while the close waits for a call
 * under way gets CLOSED, and nothing is left open once the close returns.
 */
@Timeout(60)
class SyncReleaseTest {
    @TempDir
    Path root;

    private SyncMechanism sync;

    @AfterEach
    void closeMechanism() {
        if (sync != null) {
            sync.close();
        }
    }

    @Test
    void aReleaseWaitsForTheCreateUnderWayAndGivesItsQuotaBack() throws Exception {
        sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        RecordingCaller recording = new RecordingCaller(1, System.getProperty("user.name"), Map.of(Quota.OBJECTS, 8L));
        StepPause pause = new StepPause().arm(1);
        PausingCaller caller = new PausingCaller(recording, pause);
        SyncService service = sync.bind(caller);
        CompletableFuture<Object> created = new CompletableFuture<>();
        start("create", created, () -> service.createSemaphore("late", SemaphoreOptions.of(0), 0600));
        pause.awaitReached(); // deciding access, past the session's entry

        CompletableFuture<List<Optional<String>>> existingAtRelease = new CompletableFuture<>();
        Thread releaser = start("release", existingAtRelease, () -> {
            sync.release(caller);
            return sync.objects().stream().map(ObjectInfo::name).toList();
        });
        StepPause.awaitBlockedOrDone(releaser);
        pause.resume();

        assertThat(created.get(20, TimeUnit.SECONDS)).isNotNull();
        assertThat(existingAtRelease.get(20, TimeUnit.SECONDS)).as("what the create made existed when release returned")
                .contains(Optional.of("late"));
        assertThat(recording.used(Quota.OBJECTS)).as("the release gave the object's quota back").isZero();
        assertThatThrownBy(() -> service.createSemaphore("later", SemaphoreOptions.of(0), 0600))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }

    @Test
    void aBindRacingTheCloseGetsClosedAndNothingStaysOpen() throws Exception {
        sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        String user = System.getProperty("user.name");
        RecordingCaller first = new RecordingCaller(1, user, Map.of(Quota.OBJECTS, 8L));
        StepPause pause = new StepPause().arm(1);
        PausingCaller pausing = new PausingCaller(first, pause);
        SyncService service = sync.bind(pausing);
        CompletableFuture<Object> created = new CompletableFuture<>();
        start("create", created, () -> service.createSemaphore("held", SemaphoreOptions.of(0), 0600));
        pause.awaitReached(); // inside the first caller's session

        CompletableFuture<Object> closed = new CompletableFuture<>();
        Thread closer = start("close", closed, () -> {
            sync.close();
            return "closed";
        });
        assertThat(StepPause.awaitBlockedOrDone(closer)).as("the close waits for the call under way").isFalse();

        RecordingCaller late = new RecordingCaller(2, user, Map.of(Quota.OBJECTS, 8L));
        try {
            assertThatThrownBy(() -> sync.bind(late)).as("a caller bound while the mechanism closes")
                    .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        } finally {
            pause.resume();
        }

        assertThat(closed.get(20, TimeUnit.SECONDS)).isEqualTo("closed");
        created.handle((r, e) -> null).get(20, TimeUnit.SECONDS);
        assertThat(sync.connectionCount()).as("handles left open").isZero();
        assertThat(first.used(Quota.OBJECTS)).isZero();
        assertThat(late.used(Quota.OBJECTS)).isZero();
    }
}
