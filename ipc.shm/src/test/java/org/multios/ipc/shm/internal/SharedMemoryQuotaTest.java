package org.multios.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Quota;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/** The mechanism used directly with a caller whose quotas are limited. */
class SharedMemoryQuotaTest {
    @TempDir
    Path tempDir;

    private Path root;
    private Path ownShmFolder;
    private SharedMemoryMechanism mechanism;

    @BeforeEach
    void start() throws IOException {
        Path devShm = Path.of("/dev/shm");
        if (Files.isDirectory(devShm) && Files.isWritable(devShm)) {
            ownShmFolder = Files.createTempDirectory(devShm, "ipc-quota-test-");
            root = ownShmFolder.resolve("root");
        } else {
            root = tempDir.resolve("root");
        }
        mechanism = new SharedMemoryMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void stop() throws IOException {
        mechanism.close();
        if (ownShmFolder != null) {
            try (Stream<Path> s = Files.walk(ownShmFolder)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static PosixCaller caller(Map<Quota, Long> maxima) {
        return new PosixCaller(LocalIdentity.currentProcess(), new QuotaLedger("quota test", maxima));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> expectError(IpcError expected,
            ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(IpcException.class);
        assertThat(((IpcException) t).error()).as(t.getMessage()).isEqualTo(expected);
        return assertThat(t);
    }

    private Path file(String name) {
        return root.resolve("shm").resolve(name);
    }

    @Test
    void creatingBeyondTheByteQuotaExceedsItAndCreatesNothing() {
        PosixCaller caller = caller(Map.of(Quota.SHARED_MEMORY_BYTES, 100_000L));
        SharedMemoryService service = mechanism.bind(caller);
        service.create("first", 60_000, 0600);
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).as("the root, not the session, holds a named"
                + " segment's bytes").isZero();
        assertThat(caller.quotas().used(Quota.OBJECTS)).as("the root, not the session, holds a named segment")
                .isZero();

        expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("second", 60_000, 0600))
                .hasMessageContaining("quota.shm.bytes");
        expectError(IpcError.LIMIT_EXCEEDED, () -> service.createAnonymous(40_001))
                .hasMessageContaining("quota.shm.bytes");

        assertThat(file("second")).doesNotExist();
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).as("no reservation was left").isZero();
        assertThat(caller.quotas().used(Quota.OBJECTS)).as("no object reservation was left").isZero();
        assertThat(service.createAnonymous(40_000).size()).as("exactly up to the quota").isEqualTo(40_000);
    }

    @Test
    void closingAnAnonymousSegmentsLastHandleAndMappingGivesTheQuotaBack() {
        PosixCaller caller = caller(Map.of(Quota.SHARED_MEMORY_BYTES, 100_000L));
        SharedMemoryService service = mechanism.bind(caller);
        SharedMemory anon = service.createAnonymous(80_000);
        Mapping m = anon.map(MapAccess.READ_WRITE);
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).isEqualTo(80_000);
        expectError(IpcError.LIMIT_EXCEEDED, () -> service.createAnonymous(80_000));

        anon.close();
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).as("a mapping still uses it").isEqualTo(80_000);
        m.putLong(0, 1);
        m.close();
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).isZero();
        assertThat(caller.quotas().used(Quota.OBJECTS)).isZero();

        SharedMemory again = service.createAnonymous(80_000);
        assertThat(again.size()).isEqualTo(80_000);
        try (Mapping n = again.map(MapAccess.READ_ONLY)) {
            assertThat(n.getLong(0)).as("a fresh segment").isZero();
        }
    }

    @Test
    void releasingTheCallerGivesBackItsAnonymousSegments() {
        PosixCaller caller = caller(Map.of(Quota.SHARED_MEMORY_BYTES, 10_000L));
        mechanism.bind(caller).createAnonymous(10_000).map(MapAccess.READ_WRITE);
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).isEqualTo(10_000);
        mechanism.release(caller);
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).isZero();
        assertThat(mechanism.objects()).isEmpty();
    }

    @Test
    void theObjectQuotaApplies() {
        PosixCaller caller = caller(Map.of(Quota.OBJECTS, 2L));
        SharedMemoryService service = mechanism.bind(caller);
        service.create("one", 4096, 0600);
        SharedMemory two = service.createAnonymous(4096);
        expectError(IpcError.LIMIT_EXCEEDED, () -> service.create("three", 4096, 0600))
                .hasMessageContaining("quota.objects");
        assertThat(file("three")).doesNotExist();
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).as("the anonymous one's").isEqualTo(4096);
        two.close();
        assertThat(service.create("three", 4096, 0600).size()).isEqualTo(4096);
    }

    @Test
    void quotasArePerCaller() {
        PosixCaller small = caller(Map.of(Quota.SHARED_MEMORY_BYTES, 5_000L));
        PosixCaller large = caller(Map.of());
        expectError(IpcError.LIMIT_EXCEEDED, () -> mechanism.bind(small).create("big", 8192, 0600));
        SharedMemory s = mechanism.bind(large).create("big", 8192, 0600);
        assertThat(s.size()).isEqualTo(8192);
        assertThat(small.quotas().used(Quota.SHARED_MEMORY_BYTES)).isZero();
        assertThat(large.quotas().used(Quota.SHARED_MEMORY_BYTES)).as("the root holds it").isZero();
        SharedMemory opened = mechanism.bind(small).open("big");
        assertThat(opened.size()).as("opening takes no quota").isEqualTo(8192);
        assertThat(small.quotas().used(Quota.SHARED_MEMORY_BYTES)).isZero();
    }

    @Test
    void aFailedCreateGivesTheQuotaBack() {
        PosixCaller caller = caller(Map.of(Quota.SHARED_MEMORY_BYTES, 10_000L));
        SharedMemoryService service = mechanism.bind(caller);
        service.create("taken", 4096, 0600);
        expectError(IpcError.ALREADY_EXISTS, () -> service.create("taken", 4096, 0600, true));
        assertThat(caller.quotas().used(Quota.SHARED_MEMORY_BYTES)).isZero();
        assertThat(caller.quotas().used(Quota.OBJECTS)).isZero();
    }

    @Test
    void aClosedMechanismRefusesToBind() {
        mechanism.close();
        expectError(IpcError.CLOSED, () -> mechanism.bind(caller(Map.of())));
    }
}
