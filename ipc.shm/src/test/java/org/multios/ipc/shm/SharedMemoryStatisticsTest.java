package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.local.LocalIdentity;

/** What the statistics and the runtime registry say about segments. */
class SharedMemoryStatisticsTest extends ShmTestSupport {

    @Test
    void infoShowsCapacityAndIdentity() {
        IpcContext ctx = open();
        SharedMemory s = shm(ctx).create("described", 12345, 0640);
        ObjectInfo info = s.info();
        assertThat(info.type()).isEqualTo(ObjectType.SHARED_MEMORY);
        assertThat(info.name()).contains("described");
        assertThat(info.capacity()).isEqualTo(12345);
        assertThat(info.persistent()).isTrue();
        assertThat(info.id()).isEqualTo(s.id());
        assertThat(info.creator().pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(info.permissions().owner()).isEqualTo(LocalIdentity.user());
        assertThat(info.permissions().mode()).isEqualTo(0640);
    }

    @Test
    void handlesCountsOpenHandlesAndMappingsOfEveryProcess() {
        IpcContext a = open();
        IpcContext b = open();
        SharedMemory s = shm(a).create("counted", 4096, 0600);
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(1);
        Mapping m1 = s.map(MapAccess.READ_WRITE);
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(2);
        SharedMemory other = shm(b).open("counted");
        Mapping m2 = other.map(MapAccess.READ_ONLY, 0, 8);
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(4);
        assertThat(other.info().statistics().get(Counter.HANDLES)).isEqualTo(4);
        m1.close();
        m1.close();
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(3);
        other.close();
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(2);
        b.close();
        assertThat(m2.isClosed()).isTrue();
        assertThat(s.info().statistics().get(Counter.HANDLES)).isEqualTo(1);
    }

    @Test
    void bytesInAndOutCountWritesAndReads() {
        SharedMemory s = shm(open()).create("traffic", 4096, 0600);
        s.write(0, new byte[100]);
        assertThat(s.info().statistics().get(Counter.BYTES_IN)).isEqualTo(100);
        assertThat(s.info().statistics().get(Counter.BYTES_OUT)).isZero();
        s.read(0, new byte[40]);
        try (Mapping m = s.map(MapAccess.READ_WRITE)) {
            m.write(200, ByteBuffer.allocate(10));
            m.fill(300, 5, (byte) 1);
            m.read(0, new byte[7], 0, 7);
            m.read(0, ByteBuffer.allocate(3));
        }
        assertThat(s.info().statistics().get(Counter.BYTES_IN)).isEqualTo(115);
        assertThat(s.info().statistics().get(Counter.BYTES_OUT)).isEqualTo(50);
    }

    @Test
    void atomicOperationsAreCounted() {
        IpcContext a = open();
        IpcContext b = open();
        SharedMemory s = shm(a).create("atomic-stats", 4096, 0600);
        Mapping m = s.map(MapAccess.READ_WRITE);
        m.getAndAddLong(0, 1);
        m.getAndAddLong(0, 1);
        m.compareAndSetInt(8, 0, 1);
        m.getLongVolatile(0);
        assertThat(s.info().statistics().get(Counter.ATOMIC_OPERATIONS)).isEqualTo(4);

        SharedMemory other = shm(b).open("atomic-stats");
        try (Mapping n = other.map(MapAccess.READ_WRITE)) {
            n.getAndSetInt(12, 5);
            n.putLongRelease(16, 5);
        }
        assertThat(s.info().statistics().get(Counter.ATOMIC_OPERATIONS)).isEqualTo(6);
        m.getAndAddInt(8, 1);
        m.close();
        assertThat(other.info().statistics().get(Counter.ATOMIC_OPERATIONS)).isEqualTo(7);
        assertThat(s.info().statistics().get(Counter.BYTES_IN)).as("atomics are not bulk bytes").isZero();
    }

    @Test
    void theRuntimeListsNamedSegmentsWithOwnerAndMode() {
        IpcContext a = open();
        IpcContext b = open();
        shm(a).create("alpha", 4096, 0640);
        shm(a).create("beta", 8192, 0604);
        SharedMemory anon = shm(a).createAnonymous(2048);

        assertThat(b.runtime().objects(ObjectType.SHARED_MEMORY)).extracting(ObjectInfo::displayName)
                .contains("alpha", "beta");
        ObjectInfo alpha = b.runtime().object(ObjectType.SHARED_MEMORY, "alpha").orElseThrow();
        assertThat(alpha.capacity()).isEqualTo(4096);
        assertThat(alpha.persistent()).isTrue();
        assertThat(alpha.permissions().owner()).isEqualTo(LocalIdentity.user());
        assertThat(alpha.permissions().group()).isEqualTo(LocalIdentity.primaryGroup());
        assertThat(alpha.permissions().mode()).isEqualTo(0640);
        assertThat(alpha.creator().pid()).isEqualTo(ProcessHandle.current().pid());
        ObjectInfo beta = b.runtime().object(ObjectType.SHARED_MEMORY, "beta").orElseThrow();
        assertThat(beta.permissions().mode()).isEqualTo(0604);
        assertThat(beta.capacity()).isEqualTo(8192);

        ObjectInfo anonInfo = a.runtime().objects(ObjectType.SHARED_MEMORY).stream()
                .filter(o -> o.name().isEmpty()).findFirst().orElseThrow();
        assertThat(anonInfo.id()).isEqualTo(anon.id());
        assertThat(anonInfo.capacity()).isEqualTo(2048);
        assertThat(anonInfo.persistent()).isFalse();

        anon.close();
        assertThat(a.runtime().objects(ObjectType.SHARED_MEMORY)).noneMatch(o -> o.name().isEmpty());
    }

    @Test
    void connectionCountCountsHandlesAndMappings() {
        IpcContext ctx = open();
        int before = ctx.runtime().connectionCount();
        SharedMemory s = shm(ctx).create("conn", 4096, 0600);
        Mapping m = s.map(MapAccess.READ_ONLY);
        assertThat(ctx.runtime().connectionCount()).isEqualTo(before + 2);
        m.close();
        s.close();
        assertThat(ctx.runtime().connectionCount()).isEqualTo(before);
    }
}
