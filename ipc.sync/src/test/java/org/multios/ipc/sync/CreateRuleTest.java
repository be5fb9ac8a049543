package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;

/**
 * The create rule for semaphores, mutexes, conditions and events: a second create, from the same
 * or another process, opens the object; different shaping options or an exclusive create fail
 * with ALREADY_EXISTS naming the object.
 */
@Timeout(20)
class CreateRuleTest extends SyncTestSupport {

    @Test
    void aSemaphoreCreatedTwiceIsOneSemaphore() {
        IpcContext a = context();
        IpcContext b = context();
        Semaphore first = sync(a).createSemaphore("door", SemaphoreOptions.of(2), 0600);
        first.acquire();
        Semaphore again = sync(a).createSemaphore("door", SemaphoreOptions.of(2), 0600);
        Semaphore other = sync(b).createSemaphore("door", SemaphoreOptions.of(5), 0644);
        assertThat(again.value()).as("the value is the existing one's, not the initial value asked").isEqualTo(1);
        other.acquire();
        assertThat(first.value()).isZero();
        assertThat(other.permissions().mode()).isEqualTo(0600);

        fails(() -> sync(b).createSemaphore("door", SemaphoreOptions.of(0).withMax(1), 0600))
                .hasMessageContaining("semaphore 'door'").hasMessageContaining("maximum " + SemaphoreOptions.MAX_VALUE
                        + ", not 1");
        fails(() -> sync(b).createSemaphore("door", SemaphoreOptions.of(0).withExclusive(true), 0600))
                .hasMessageContaining("semaphore 'door' already exists");
        assertThat(sync(b).createSemaphore("fresh", SemaphoreOptions.of(3).withExclusive(true), 0600).value())
                .isEqualTo(3);
    }

    @Test
    void aMutexCreatedTwiceIsOneMutex() {
        IpcContext a = context();
        IpcContext b = context();
        Mutex first = sync(a).createMutex("lock", MutexOptions.DEFAULT, 0600);
        Mutex other = sync(b).createMutex("lock", MutexOptions.DEFAULT, 0600);
        assertThat(first.lock()).isEqualTo(LockResult.ACQUIRED);
        assertThat(other.tryLock()).as("the second create's handle is on the locked mutex").isEqualTo(LockResult.BUSY);
        first.unlock();

        fails(() -> sync(b).createMutex("lock", MutexOptions.DEFAULT.withRecursive(true), 0600))
                .hasMessageContaining("mutex 'lock'").hasMessageContaining("recursive false, not true");
        fails(() -> sync(b).createMutex("lock", MutexOptions.DEFAULT.withRobust(false), 0600))
                .hasMessageContaining("robust true, not false");
        fails(() -> sync(b).createMutex("lock", MutexOptions.DEFAULT.withExclusive(true), 0600))
                .hasMessageContaining("mutex 'lock' already exists");
    }

    @Test
    void aConditionCreatedTwiceIsOneCondition() {
        IpcContext a = context();
        IpcContext b = context();
        Condition first = sync(a).createCondition("ready", 0600);
        Condition other = sync(b).createCondition("ready", 0600);
        assertThat(other.info().id()).isEqualTo(first.info().id());
        fails(() -> sync(b).createCondition("ready", 0600, true)).hasMessageContaining("condition 'ready' already exists");
    }

    @Test
    void anEventCreatedTwiceIsOneEvent() {
        EventService a = context().service(EventService.class);
        EventService b = context().service(EventService.class);
        Event first = a.create("bell", EventType.MANUAL_RESET, Set.of(), 0600);
        Event other = b.create("bell", EventType.MANUAL_RESET, EnumSet.of(EventFlag.INITIALLY_SIGNALLED), 0600);
        assertThat(other.isSignalled()).as("the state is the existing event's").isFalse();
        first.signal();
        assertThat(other.isSignalled()).isTrue();

        fails(() -> b.create("bell", EventType.AUTO_RESET, Set.of(), 0600))
                .hasMessageContaining("event 'bell'").hasMessageContaining("type MANUAL_RESET, not AUTO_RESET");
        fails(() -> b.create("bell", EventType.MANUAL_RESET, EnumSet.of(EventFlag.EXCLUSIVE), 0600))
                .hasMessageContaining("event 'bell' already exists");
    }

    @Test
    void anObjectUnlinkedAfterACreateIsMadeAgainByTheNext() {
        SyncService s = sync(context());
        Semaphore old = s.createSemaphore("again", SemaphoreOptions.of(1), 0600);
        s.unlinkSemaphore("again");
        Semaphore made = s.createSemaphore("again", SemaphoreOptions.of(4), 0600);
        assertThat(made.value()).isEqualTo(4);
        assertThat(old.value()).isEqualTo(1);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> fails(Executable call) {
        return assertThatThrownBy(call::execute).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.ALREADY_EXISTS));
    }
}
