package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * The uncontended paths with no test hook (a hook sends every step through the full checks, so
 * the guard's other tests do not reach them): a step reads only the handle's stop word, and a
 * revocation, a close and the session's closing each set their bit before they return, so the
 * calling thread's next {@code tryAcquire}, {@code release} or {@code lock} is refused and moves
 * nothing; racing threads transfer nothing once revoke or close returned.
 */
@Timeout(120)
class StopWordTest extends TwoCallersSupport {
    private static final int THREADS = 4;

    private SemaphoreHandle owner(String name, int value) {
        return (SemaphoreHandle) sync(peer).createSemaphore(name, SemaphoreOptions.of(value).withMax(1 << 30), 0600);
    }

    /** A handle of its own grant on {@code owner}'s object, whose fast path the calling thread has taken once. */
    private static SemaphoreHandle warmed(SemaphoreHandle owner, Grant grant, SyncSession session) {
        SemaphoreHandle h = new SemaphoreHandle(session, owner.object, grant);
        assertThat(h.tryAcquire()).isTrue();
        h.release();
        return h;
    }

    private static void assertRefused(IpcError error, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void aRevokedHandleRefusesItsNextStepAtOnce() {
        SemaphoreHandle owner = owner("revoked", 1);
        Grant grant = new Grant(Rights.ALL);
        SemaphoreHandle victim = warmed(owner, grant, owner.session);
        MutexHandle mutex = new MutexHandle(owner.session,
                ((MutexHandle) sync(peer).createMutex("revoked", new MutexOptions(false, false), 0600)).object, grant);
        assertThat(mutex.lock()).isEqualTo(LockResult.ACQUIRED);
        mutex.unlock();

        grant.revoke();

        assertRefused(IpcError.PERMISSION_DENIED, victim::tryAcquire);
        assertRefused(IpcError.PERMISSION_DENIED, victim::release);
        assertRefused(IpcError.PERMISSION_DENIED, mutex::lock);
        assertThat(owner.value()).as("nothing moved").isEqualTo(1);
        victim.close();
        mutex.close();
    }

    @Test
    void aClosedHandleRefusesItsNextStepAtOnce() {
        SemaphoreHandle owner = owner("closed", 1);
        SemaphoreHandle victim = warmed(owner, new Grant(Rights.ALL), owner.session);

        victim.close();

        assertRefused(IpcError.CLOSED, victim::tryAcquire);
        assertRefused(IpcError.CLOSED, victim::release);
        assertThat(owner.value()).isEqualTo(1);
    }

    @Test
    void aHandleOfAClosingSessionRefusesItsNextStepAtOnce() {
        SemaphoreHandle owner = owner("session", 1);
        SyncSession session = new SyncSession(owner.session.caller(), owner.session.sleepers());
        SemaphoreHandle victim = session.track(warmed(owner, new Grant(Rights.ALL), session));

        session.markClosed(); // the gate closed, the handle not yet

        assertThat(victim.isClosed()).isFalse();
        assertRefused(IpcError.CLOSED, victim::tryAcquire);
        assertRefused(IpcError.CLOSED, victim::release);
        assertThat(owner.value()).isEqualTo(1);
        session.close();
        assertThat(victim.isClosed()).isTrue();
    }

    /** Threads posting and taking through one handle, with no hook, while it is revoked or closed at a random moment. */
    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void nothingPassesTheFastPathOnceRevokeOrCloseReturned(boolean revoke) throws Exception {
        long seed = System.nanoTime();
        System.out.println("StopWordTest revoke=" + revoke + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        int permits = 1 << 20;
        for (int round = 0; round < 20; round++) {
            SemaphoreHandle owner = owner("race" + revoke + round, permits);
            Grant grant = new Grant(Rights.ALL);
            SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant);
            AtomicLong taken = new AtomicLong();
            CountDownLatch started = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            IpcError expected = revoke ? IpcError.PERMISSION_DENIED : IpcError.CLOSED;
            for (int t = 0; t < THREADS; t++) {
                boolean poster = t % 2 == 0;
                Thread thread = new Thread(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            if (poster) {
                                victim.release();
                                taken.decrementAndGet();
                            } else if (victim.tryAcquire()) {
                                taken.incrementAndGet();
                            }
                        }
                    } catch (IpcException e) {
                        if (e.error() != expected) {
                            failure.complete(e);
                        }
                    } catch (Throwable e) {
                        failure.complete(e);
                    }
                }, "stop-word-racer-" + t);
                threads.add(thread);
                thread.start();
            }
            started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(2_000));

            if (revoke) {
                grant.revoke();
            } else {
                victim.close();
            }
            int whenReturned = owner.value();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
            }

            assertThat(failure.getNow(null)).isNull();
            assertThat(owner.value()).as("nothing moved after it returned (seed %d)", seed).isEqualTo(whenReturned);
            assertThat((long) permits - whenReturned).as("every step that returned is in the value").isEqualTo(taken.get());
            victim.close();
        }
    }
}
