package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * Issue #21 item 5: a condition wait that fails before it sleeps (the mutex is not held by the
 * caller, so releasing it throws) leaves no waiter counted, so later signals do not wake for a
 * sleeper that does not exist and {@link Condition#waiters()} tells the truth.
 */
@Timeout(10)
class ConditionWaiterCountTest extends SyncTestSupport {
    @Test
    void aWaitWhoseReleaseFailsLeavesNoWaiterCounted() {
        SyncService sync = sync(context());
        Mutex mutex = sync.createMutex("cond-mutex", MutexOptions.DEFAULT, 0600);
        Condition condition = sync.createCondition("cond", 0600);
        for (Runnable wait : new Runnable[] { () -> condition.await(mutex),
                () -> condition.await(mutex, Duration.ofSeconds(1)) }) {
            IpcException e = catchThrowableOfType(IpcException.class, wait::run);
            assertThat(e).isNotNull();
            assertThat(e.error()).isEqualTo(IpcError.NOT_OWNER);
            assertThat(condition.waiters()).as("waiters after a wait that never slept").isZero();
        }
    }
}
