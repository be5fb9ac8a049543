package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

class SyncOptionsTest {

    @Test
    void semaphoreOptionsAcceptValuesInRange() {
        assertThat(SemaphoreOptions.of(3)).isEqualTo(new SemaphoreOptions(3, SemaphoreOptions.MAX_VALUE));
        assertThat(SemaphoreOptions.binary(true)).isEqualTo(new SemaphoreOptions(1, 1));
        assertThat(SemaphoreOptions.binary(false)).isEqualTo(new SemaphoreOptions(0, 1));
        assertThat(SemaphoreOptions.of(2).withMax(2).max()).isEqualTo(2);
        assertThat(new SemaphoreOptions(0, 1).initial()).isZero();
    }

    @Test
    void semaphoreOptionsRejectValuesOutOfRange() {
        assertThatThrownBy(() -> SemaphoreOptions.of(-1)).isInstanceOf(IpcException.class)
                .hasMessageContaining("initial value -1 is outside 0..")
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> new SemaphoreOptions(0, 0)).isInstanceOf(IpcException.class)
                .hasMessageContaining("maximum value 0 must be at least 1");
        assertThatThrownBy(() -> new SemaphoreOptions(5, 4)).isInstanceOf(IpcException.class)
                .hasMessageContaining("initial value 5 is outside 0..4");
        assertThatThrownBy(() -> SemaphoreOptions.of(3).withMax(2)).isInstanceOf(IpcException.class);
    }

    @Test
    void mutexOptionsDefaultToRobustAndNotRecursive() {
        assertThat(MutexOptions.DEFAULT.robust()).isTrue();
        assertThat(MutexOptions.DEFAULT.recursive()).isFalse();
        assertThat(MutexOptions.DEFAULT.withRecursive(true)).isEqualTo(new MutexOptions(true, true));
        assertThat(MutexOptions.DEFAULT.withRobust(false)).isEqualTo(new MutexOptions(false, false));
    }

    @Test
    void lockResultTellsOwnership() {
        assertThat(LockResult.ACQUIRED.isOwned()).isTrue();
        assertThat(LockResult.OWNER_DEAD.isOwned()).isTrue();
        assertThat(LockResult.BUSY.isOwned()).isFalse();
    }
}
