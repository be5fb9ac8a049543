package org.multios.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.spi.RecordingCaller;

import com.sun.jna.Pointer;

/**
 * A native address handed out by a mapping stops reaching the segment when the handle's grant is
 * revoked or its last user closes: it reads zeros and its writes reach no one, and a thread
 * reading it while that happens never faults.
 */
class SegmentAddressRevocationTest {
    @TempDir
    Path root;

    private SharedMemoryMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller user = RecordingCaller.osUser(2);

    @AfterEach
    void stop() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    private SharedMemory create() {
        mechanism = new SharedMemoryMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        return mechanism.bind(owner).create("frames", 1 << 16, 0666);
    }

    @Test
    @Timeout(30)
    void aRevokedMappingsAddressNoLongerReachesTheSegment() throws Exception {
        SharedMemory own = create();
        Mapping ownMapping = own.map(MapAccess.READ_WRITE);
        SharedMemory theirs = mechanism.bind(user).open("frames");
        Mapping mapping = theirs.map(MapAccess.READ_WRITE);
        Pointer p = new Pointer(mapping.address());
        ownMapping.putLongVolatile(0, 7);
        assertThat(p.getLong(0)).as("the address reaches the segment while granted").isEqualTo(7);
        long handlesBefore = own.info().statistics().get(Counter.HANDLES);

        AtomicBoolean revoked = new AtomicBoolean();
        CountDownLatch readsAfter = new CountDownLatch(1000);
        FutureTask<Long> reader = new FutureTask<>(() -> {
            long last = -1;
            while (readsAfter.getCount() > 0) {
                boolean after = revoked.get();
                last = p.getLong(0);
                if (after) {
                    readsAfter.countDown();
                }
            }
            return last;
        });
        Thread t = new Thread(reader, "address-reader");
        t.start();
        user.revokeAll();
        revoked.set(true);

        assertThat(reader.get(20, TimeUnit.SECONDS)).as("read through the address after revoke").isZero();
        ownMapping.putLongVolatile(0, 8);
        assertThat(p.getLong(0)).as("the owner's later write").isZero();
        p.setLong(8, 99);
        assertThat(ownMapping.getLongVolatile(8)).as("a write through the revoked address").isZero();
        assertThat(own.info().statistics().get(Counter.HANDLES)).as("the revoked handle and mapping no longer count")
                .isEqualTo(handlesBefore - 2);
        mapping.close();
        theirs.close();
        assertThat(own.info().statistics().get(Counter.HANDLES)).isEqualTo(handlesBefore - 2);
    }

    @Test
    @Timeout(30)
    void closingTheLastUserDetachesTheAddressButClosingAMappingAloneDoesNot() {
        SharedMemory own = create();
        Mapping ownMapping = own.map(MapAccess.READ_WRITE);
        SharedMemory theirs = mechanism.bind(user).open("frames");
        Mapping first = theirs.map(MapAccess.READ_ONLY);
        Mapping second = theirs.map(MapAccess.READ_ONLY);
        Pointer p = new Pointer(first.address());

        first.close();
        ownMapping.putLongVolatile(16, 5);
        assertThat(p.getLong(16)).as("the handle and another mapping still use it").isEqualTo(5);
        second.close();
        theirs.close();
        ownMapping.putLongVolatile(16, 6);
        assertThat(p.getLong(16)).as("after the last user closed").isZero();
        assertThat(ownMapping.getLongVolatile(16)).isEqualTo(6);
    }

    @Test
    @Timeout(30)
    void anAnonymousSegmentsGrantIsRegisteredSoThatRevocationReachesIt() {
        mechanism = new SharedMemoryMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        SharedMemory anonymous = mechanism.bind(owner).createAnonymous(4096);
        Mapping mapping = anonymous.map(MapAccess.READ_WRITE);
        mapping.putLongVolatile(0, 3);

        owner.revokeAll();

        assertThat(anonymous.rights()).as("the creator's grant was revoked").isZero();
        assertThatThrownBy(() -> mapping.getLongVolatile(0)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
    }
}
