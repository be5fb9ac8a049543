package org.multios.ipc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;

class PosixCallerTest {
    private static final IpcProcess BOB = new IpcProcess(ProcessKind.BUNDLE, 42, "com.example.bob", 1000, 0, "bob",
            Set.of("staff"));

    private static PosixCaller caller(IpcProcess process) {
        return new PosixCaller(process, new QuotaLedger(process.toString(), Map.of(Quota.OBJECTS, 2L)));
    }

    @Test
    void grantsEveryRightTheModeGivesNotJustTheRequested() {
        PosixCaller bob = caller(BOB);
        Permissions groupRw = new Permissions("alice", "staff", 0660);

        assertThat(bob.authorize(ObjectType.QUEUE, "orders", groupRw, Rights.READ).rights()).isEqualTo(Rights.READ_WRITE);
    }

    @Test
    void ownerIsGrantedAdmin() {
        PosixCaller bob = caller(BOB);
        Permissions own = new Permissions("bob", "staff", 0600);

        int granted = bob.authorize(ObjectType.SHARED_MEMORY, "seg", own, Rights.ADMIN).rights();
        assertThat(granted).isEqualTo(Rights.ALL);
    }

    @Test
    void denialNamesTheObjectTheUserAndWhatWasMissing() {
        PosixCaller bob = caller(BOB);
        Permissions groupRead = new Permissions("alice", "staff", 0640);

        assertThatThrownBy(() -> bob.authorize(ObjectType.QUEUE, "orders", groupRead, Rights.READ_WRITE))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("queue 'orders'")
                .hasMessageContaining("rw-r----- alice:staff")
                .hasMessageContaining("bundle 42 (com.example.bob) as bob")
                .hasMessageContaining("may not write to");
    }

    @Test
    void denialOfAdminSaysAdminister() {
        PosixCaller bob = caller(BOB);
        Permissions open = new Permissions("alice", "staff", 0666);

        assertThatThrownBy(() -> bob.authorize(ObjectType.SEMAPHORE, "s", open, Rights.ADMIN))
                .hasMessageContaining("may not administer semaphore 's'");
    }

    @Test
    void strangerIsDeniedRead() {
        IpcProcess carol = new IpcProcess(ProcessKind.OS_PROCESS, 77, "tool", 77, 0, "carol", Set.of("audio"));
        Permissions p = new Permissions("alice", "staff", 0660);

        assertThatThrownBy(() -> caller(carol).authorize(ObjectType.PIPE, "fifo", p, Rights.READ))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("may not read from pipe 'fifo'")
                .hasMessageContaining("carol");
    }

    @Test
    void requestingNothingIsAlwaysGranted() {
        Permissions closed = new Permissions("alice", "staff", 0);
        assertThat(caller(BOB).authorize(ObjectType.EVENT, "e", closed, Rights.NONE).rights()).isEqualTo(Rights.NONE);
    }

    @Test
    void quotasGoThroughItsLedger() {
        PosixCaller bob = caller(BOB);
        bob.reserve(Quota.OBJECTS, 2);
        assertThat(bob.quotas().used(Quota.OBJECTS)).isEqualTo(2);

        assertThatThrownBy(() -> bob.reserve(Quota.OBJECTS, 1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));

        bob.release(Quota.OBJECTS, 2);
        assertThat(bob.quotas().used(Quota.OBJECTS)).isZero();
    }

    @Test
    void requiresProcessAndQuotas() {
        assertThatThrownBy(() -> new PosixCaller(null, new QuotaLedger("p", Map.of())))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PosixCaller(BOB, null)).isInstanceOf(NullPointerException.class);
        assertThat(caller(BOB).process()).isSameAs(BOB);
    }
}
