package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventType;

/**
 * Semaphore and event sleepers across processes when one is SIGKILLed in its sleep. The sleepers
 * are counted in word 3 of the object's page, which a post or signal reads to skip the wake-up
 * system call when nobody sleeps. A killed sleeper used to stay counted for good, so every later
 * post of that semaphore paid a {@code futex} wake-up for nobody (about a microsecond instead of
 * tens of nanoseconds). Now each process also counts its own share, and the first post whose
 * wake-up finds nobody counts the shares of dead processes out; a live sleeper stays counted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SleeperKilledTest extends CrossProcessSyncSupport {
    /** Where the page counts its sleepers: {@code SyncDescriptor.WORD3}. */
    private static final int SLEEPERS_WORD = 72;
    private static final String SECONDS = Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    /** {@code SyncDescriptor.CREATOR_NAMESPACE}, {@code SLEEPER_SHARES}, {@code SLEEPER_SHARE_COUNT} and size. */
    private static final int CREATOR_NAMESPACE = 528;
    private static final int SLEEPER_SHARES = 536;
    private static final int SHARES = 30;
    private static final int SHARE_SIZE = 16;

    /** The sleepers the object's page counts now, read from its file as another process would. */
    private int sleepers(String kind, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(root.resolve(kind).resolve(name))) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            ch.read(b, SLEEPERS_WORD);
            return b.getInt(0);
        }
    }

    private int sleepersOrFail(String kind, String name) {
        try {
            return sleepers(kind, name);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSemaphoreSleeperKilledIsCountedOutOnceAPostFindsNobodyAndTheOthersStillWake() throws Exception {
        Semaphore sem = sync.createSemaphore("sk-sem", SemaphoreOptions.of(0), 0600);
        Process doomed = child("doomed", "acquire", "sk-sem", SECONDS);
        children.awaitLine(doomed, "waiting");
        await("the first child sleeps", doomed, () -> sleepersOrFail("semaphore", "sk-sem") == 1);
        Process survivor = child("survivor", "acquire", "sk-sem", SECONDS); // another process: another share
        children.awaitLine(survivor, "waiting");
        await("both children sleep", survivor, () -> sleepersOrFail("semaphore", "sk-sem") == 2);

        kill(doomed);
        sem.release(); // the survivor's wake-up (the kernel forgot the dead sleeper)
        children.awaitLine(survivor, "acquired");
        children.awaitSuccess(survivor);

        sem.release(); // nobody sleeps: a wake-up, if one is still counted, finds nobody
        assertThat(sleepers("semaphore", "sk-sem")).as("the killed sleeper, counted out").isZero();
        assertThat(sem.value()).isOne();
    }

    @Test
    void anEventSleeperKilledIsCountedOutByTheNextSignal() throws Exception {
        Event ev = events.create("sk-event", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
        Process doomed = child("doomed", "await-event", "sk-event", SECONDS);
        children.awaitLine(doomed, "waiting");
        await("the child sleeps", doomed, () -> sleepersOrFail("event", "sk-event") == 1);

        kill(doomed);
        ev.signal(7);
        assertThat(sleepers("event", "sk-event")).as("counted out by the signal that woke nobody").isZero();
        assertThat(ev.await(java.time.Duration.ofSeconds(WAIT_SECONDS))).as("the signal is still there").isEqualTo(7);
    }

    @Test
    void aConditionSleeperKilledIsCountedOutByTheNextSignal() throws Exception {
        Mutex m = sync.createMutex("sk-m", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("sk-c", 0600);
        try (var segment = shm.create("sk-flag", 4096, 0600)) {
            Process doomed = child("doomed", "await-condition", "sk-m", "sk-c", "sk-flag", "0", SECONDS);
            children.awaitLine(doomed, "waiting");
            await("the child sleeps", doomed, () -> sleepersOrFail("condition", "sk-c") == 1);
            kill(doomed);
            assertThat(m.lock(java.time.Duration.ofSeconds(WAIT_SECONDS))).isEqualTo(LockResult.ACQUIRED);
            try {
                c.signal();
            } finally {
                m.unlock();
            }
            assertThat(sleepers("condition", "sk-c")).as("counted out by the signal that woke nobody").isZero();
        }
    }

    /**
     * A process outside the object's home namespaces (here: the page says it was made in another)
     * counts its sleepers in word 3 alone: no process may judge its word, so an entry it held
     * would never be freed, and once all 30 were held so, no sleeper killed afterwards would ever
     * be counted out (found by review: the entries of exited processes of another namespace
     * stayed held).
     */
    @Test
    void aProcessOutsideTheHomeNamespacesHoldsNoShareEntry() throws Exception {
        sync.createSemaphore("sk-foreign", SemaphoreOptions.of(0), 0600);
        Path file = root.resolve("semaphore").resolve("sk-foreign");
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer home = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(home, CREATOR_NAMESPACE);
            home.putLong(0, home.getLong(0) ^ 1).rewind();
            ch.write(home, CREATOR_NAMESPACE);
        }
        Semaphore sem = sync.openSemaphore("sk-foreign");
        java.util.concurrent.CompletableFuture<Void> sleeper = java.util.concurrent.CompletableFuture.runAsync(
                () -> sem.acquire(java.time.Duration.ofSeconds(WAIT_SECONDS)));
        await("the thread sleeps", null, () -> sleepersOrFail("semaphore", "sk-foreign") == 1);
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer entries = ByteBuffer.allocate(SHARES * SHARE_SIZE).order(ByteOrder.nativeOrder());
            ch.read(entries, SLEEPER_SHARES);
            for (int e = 0; e < SHARES; e++) {
                assertThat(entries.getLong(e * SHARE_SIZE)).as("the holder of entry %d", e).isZero();
            }
        }
        sem.release();
        sleeper.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(sleepers("semaphore", "sk-foreign")).isZero();
    }
}
