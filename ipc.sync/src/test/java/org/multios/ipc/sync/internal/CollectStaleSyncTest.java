package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.event.EventService;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.StaleSyncCreator;
import org.multios.ipc.sync.SyncService;

/**
 * Garbage collection of named semaphores, mutexes, conditions and events: those a child JVM made
 * before it exited are removed once nobody maps them; one this JVM holds, or one whose creator
 * lives, is kept. Only this JVM's maps are consulted (a container's init cannot be read, which
 * would make every object "maybe mapped"), so removal and non-removal can both be shown; the
 * child that made the objects has exited, so it maps nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CollectStaleSyncTest {
    @TempDir
    Path root;

    private SyncMechanism sync;
    private EventMechanism events;
    private SyncService syncService;
    private EventService eventService;

    @BeforeEach
    void start() {
        assumeTrue(ProcessMaps.isSupported(), "no /proc/self/maps here");
        IpcEnvironment environment = new IpcEnvironment(root, IpcLimits.defaults());
        long self = ProcessHandle.current().pid();
        sync = new SyncMechanism(environment);
        events = new EventMechanism(environment);
        sync.maps(ProcessMaps.considering(pid -> pid == self));
        events.maps(ProcessMaps.considering(pid -> pid == self));
        syncService = sync.bind(RecordingCaller.osUser(1));
        eventService = events.bind(RecordingCaller.osUser(1));
    }

    @AfterEach
    void stop() {
        if (sync != null) {
            sync.close();
            events.close();
        }
    }

    /** Creates the objects from a child JVM and waits until it has exited. */
    private void createFromChild(String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildProcesses.childClassPath(StaleSyncCreator.class), StaleSyncCreator.class.getName(),
                root.toString()));
        command.addAll(List.of(names));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
    }

    private List<ObjectInfo> collect() {
        List<ObjectInfo> removed = new ArrayList<>(sync.collectStale());
        removed.addAll(events.collectStale());
        return removed;
    }

    @Test
    void theObjectsOfADeadCreatorThatNobodyMapsAreRemoved() throws Exception {
        createFromChild("orphan");
        syncService.createSemaphore("mine", SemaphoreOptions.of(1), 0600).close();

        List<ObjectInfo> removed = collect();

        assertThat(removed).extracting(ObjectInfo::type).containsExactlyInAnyOrder(ObjectType.SEMAPHORE,
                ObjectType.MUTEX, ObjectType.CONDITION, ObjectType.EVENT);
        assertThat(removed).extracting(ObjectInfo::displayName).containsOnly("orphan");
        for (String kind : new String[] { "semaphore", "mutex", "condition", "event" }) {
            assertThat(root.resolve(kind).resolve("orphan")).as(kind).doesNotExist();
        }
        notFound(() -> syncService.openSemaphore("orphan"));
        notFound(() -> syncService.openMutex("orphan"));
        notFound(() -> syncService.openCondition("orphan"));
        notFound(() -> eventService.open("orphan"));
        assertThat(syncService.openSemaphore("mine").value()).as("a live creator's object stays").isEqualTo(1);
        assertThat(collect()).as("nothing more to collect").isEmpty();
    }

    @Test
    void anObjectOfADeadCreatorThatThisJvmHoldsIsKept() throws Exception {
        createFromChild("adopted");
        try (Semaphore held = syncService.openSemaphore("adopted")) {
            assertThat(collect()).extracting(ObjectInfo::type).doesNotContain(ObjectType.SEMAPHORE)
                    .contains(ObjectType.MUTEX);
            assertThat(root.resolve("semaphore").resolve("adopted")).exists();
            held.release();
            assertThat(held.value()).isEqualTo(2);
        }
    }

    private static void notFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
    }
}
