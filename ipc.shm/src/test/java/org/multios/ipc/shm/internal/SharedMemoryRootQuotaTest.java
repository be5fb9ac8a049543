package org.multios.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFileHeader;
import org.multios.ipc.core.mapped.RootHoldings;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Issue #16 item 4 for named shared memory: the objects quota, the owner's shared memory bytes and
 * the root's byte budget count what the root holds, so neither ending the session nor starting the mechanism again gives them
 * back, and of two creators racing for the last place exactly one keeps its segment.
 */
@Timeout(60)
class SharedMemoryRootQuotaTest {
    private static final String USER = System.getProperty("user.name");

    @TempDir
    Path root;

    private SharedMemoryMechanism mechanism;
    private final StepPause pause = new StepPause();

    private SharedMemoryMechanism start(IpcLimits limits) {
        if (mechanism != null) {
            mechanism.close();
        }
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

    private static RecordingCaller withObjects(long id, long objects) {
        return new RecordingCaller(id, USER, Map.of(Quota.OBJECTS, objects));
    }

    @Test
    void namedSegmentsHoldTheObjectsQuotaAcrossSessionsAndRestarts() {
        start(IpcLimits.defaults());
        RecordingCaller first = withObjects(1, 2);
        mechanism.bind(first).create("s1", 4096, 0600);
        mechanism.bind(first).create("s2", 4096, 0600);
        assertLimit(() -> mechanism.bind(first).create("s3", 4096, 0600), Quota.OBJECTS.key());
        mechanism.release(first);

        RecordingCaller nextSession = withObjects(1, 2);
        assertLimit(() -> mechanism.bind(nextSession).create("s3", 4096, 0600), Quota.OBJECTS.key());

        start(IpcLimits.defaults());
        RecordingCaller afterRestart = withObjects(2, 2);
        assertLimit(() -> mechanism.bind(afterRestart).create("s3", 4096, 0600), Quota.OBJECTS.key());
        assertThat(root.resolve("shm").resolve("s3")).doesNotExist();
        assertLimit(() -> mechanism.bind(afterRestart).createAnonymous(4096), Quota.OBJECTS.key());

        mechanism.bind(afterRestart).unlink("s1");
        assertThat(mechanism.bind(afterRestart).create("s3", 4096, 0600).size()).isEqualTo(4096);
        assertThat(afterRestart.used(Quota.OBJECTS)).as("nothing is left reserved in the session").isZero();
    }

    @Test
    void theRootByteBudgetCountsTheFilesOfEveryKindAndEveryOwner() {
        long segmentFile = SegmentDescriptor.fileLength(4096);
        long otherKindFile = 3 * 4096;
        IpcLimits limits = IpcLimits.defaults().with(Limit.ROOT_BYTES, 2 * segmentFile + otherKindFile);
        start(limits);
        RecordingCaller unlimited = withObjects(1, 100);
        mechanism.bind(unlimited).create("a", 4096, 0600);
        ObjectDirectory queues = new ObjectDirectory(new IpcEnvironment(root, limits), ObjectType.QUEUE);
        queues.prepareDirectories();
        queues.create("other-kind", otherKindFile, new Permissions(USER, groupOf(root), 0600),
                r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, 4096, otherKindFile - 4096, 0600, 1, 0, 0));
        mechanism.release(unlimited);

        start(limits);
        RecordingCaller another = withObjects(2, 100);
        mechanism.bind(another).create("b", 4096, 0600);
        assertLimit(() -> mechanism.bind(another).create("c", 1, 0600), Limit.ROOT_BYTES.key());
        assertThat(root.resolve("shm").resolve("c")).doesNotExist();

        RootHoldings.Count count = new RootHoldings(() -> new IpcEnvironment(root, limits)).count();
        assertThat(count.bytes()).isEqualTo(2 * segmentFile + otherKindFile);
        assertThat(count.of(USER).objects()).isEqualTo(3);

        queues.unlink("other-kind");
        assertThat(mechanism.bind(another).create("c", 4096, 0600).size()).isEqualTo(4096);
    }

    /**
     * The bytes of named segments count against their owner's {@code quota.shm.bytes} while they
     * exist. Before, a session's ledger held them and gave them back when it ended, so an owner
     * could fill the root one session after another.
     */
    @Test
    void namedSegmentsHoldTheByteQuotaAcrossSessionsAndRestarts() {
        String key = Quota.SHARED_MEMORY_BYTES.key();
        start(IpcLimits.defaults());
        RecordingCaller first = withBytes(1, 10_000);
        mechanism.bind(first).create("s1", 6000, 0600);
        assertLimit(() -> mechanism.bind(first).create("s2", 6000, 0600), key);
        mechanism.release(first);

        RecordingCaller nextSession = withBytes(1, 10_000);
        assertLimit(() -> mechanism.bind(nextSession).create("s2", 6000, 0600), key);
        assertLimit(() -> mechanism.bind(nextSession).createAnonymous(6000), key);

        start(IpcLimits.defaults());
        RecordingCaller afterRestart = withBytes(2, 10_000);
        assertLimit(() -> mechanism.bind(afterRestart).create("s2", 6000, 0600), key);
        assertThat(root.resolve("shm").resolve("s2")).doesNotExist();
        assertThat(mechanism.bind(afterRestart).create("s2", 4000, 0600).size()).as("exactly up to the quota")
                .isEqualTo(4000);

        mechanism.bind(afterRestart).unlink("s1");
        assertThat(mechanism.bind(afterRestart).create("s3", 6000, 0600).size()).isEqualTo(6000);
        assertThat(afterRestart.used(Quota.SHARED_MEMORY_BYTES)).as("nothing is left reserved in the session")
                .isZero();
    }

    private static RecordingCaller withBytes(long id, long bytes) {
        return new RecordingCaller(id, USER, Map.of(Quota.SHARED_MEMORY_BYTES, bytes));
    }

    @Test
    void ofTwoCreatorsRacingForTheLastObjectExactlyOneKeepsIt() throws Exception {
        start(IpcLimits.defaults());
        RecordingCaller first = withObjects(1, 1);
        RecordingCaller second = withObjects(2, 1);
        pause.arm(SharedMemoryMechanism.STEP_CREATING);
        FutureTask<SharedMemory> paused = new FutureTask<>(() -> mechanism.bind(first).create("one", 4096, 0600));
        Thread t = new Thread(paused, "creating-first");
        t.setDaemon(true);
        t.start();
        pause.awaitReached();

        mechanism.bind(second).create("two", 4096, 0600);
        pause.resume();

        assertThatThrownBy(() -> paused.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));
        assertThat(root.resolve("shm").resolve("one")).doesNotExist();
        assertThat(root.resolve("shm").resolve("two")).exists();
    }

    private static String groupOf(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertLimit(ThrowingCallable create, String key) {
        assertThatThrownBy(create).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains(key);
        });
    }
}
