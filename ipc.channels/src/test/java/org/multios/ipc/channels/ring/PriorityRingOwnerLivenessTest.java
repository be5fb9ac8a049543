package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * Issue #21, item 2, the ring's part: a slot whose owner word names a live process is never
 * recovered (before, a start time that another JVM's boot-time estimate put a second off, or a
 * {@code /proc} that could not be read, made the owner dead and its message was lost); one whose
 * pid was reused (same pid, another start tick) is; one of another PID namespace never is. The
 * owner here is a real child process: a ring attached with its owner word plays its sender,
 * paused half-way through writing a message.
 */
@Timeout(60)
class PriorityRingOwnerLivenessTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 2;
    private static final int SIZE = 16;
    private static final long SENDER = PriorityRing.sender(ProcessKind.OS_PROCESS, 1);

    @TempDir
    Path dir;

    private Process child;
    private int childPid;
    private int childTick;

    @BeforeEach
    void startChild() throws IOException {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "Linux /proc and kill");
        child = new ProcessBuilder("sleep", "60").start();
        childPid = (int) child.pid();
        childTick = ProcessLiveness.system().startTick(childPid);
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void aSlotOfALiveOwnerIsNeverRecovered() throws Exception {
        assertThat(recoveredWhileHeldBy(ProcessLiveness.ownerWord(childPid, childTick, false))).isZero();
    }

    @Test
    void aSlotOfAReusedPidIsRecovered() throws Exception {
        assertThat(recoveredWhileHeldBy(ProcessLiveness.ownerWord(childPid, childTick + 1, false))).isOne();
    }

    @Test
    void aSlotOfAnOwnerOfAnotherNamespaceIsNeverRecovered() throws Exception {
        assertThat(recoveredWhileHeldBy(ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, true))).isZero();
    }

    /**
     * Lets {@code owner} claim a slot and write half a message, runs {@link PriorityRing#recover()}
     * meanwhile, and returns what recover() took back. An owner whose slot was left to it
     * finishes, and its message is received whole; one whose slot was taken back is played dead
     * (it goes no further), and the ring then still carries a message of each of its slots.
     */
    private int recoveredWhileHeldBy(long owner) throws Exception {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE);
        PriorityRing live = PriorityRing.attach(region, BASE, span(), "ring");
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean judgedDead = new AtomicBoolean();
        PriorityRing sender = PriorityRing.attach(region, BASE, span(), "ring", owner, step -> {
            if (step == RingSteps.HALF_WRITTEN) {
                halfWritten.countDown();
                await(go);
                if (judgedDead.get()) {
                    throw new IllegalStateException("played dead");
                }
            }
        });
        byte[] msg = new byte[SIZE];
        msg[0] = 42;
        msg[SIZE - 1] = 43;
        CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> sender.offer(msg, 0, SIZE, 3, SENDER, 1));
        assertThat(halfWritten.await(30, TimeUnit.SECONDS)).isTrue();
        int recovered = live.recover();
        judgedDead.set(recovered > 0);
        go.countDown();
        byte[] got = new byte[SIZE];
        if (recovered == 0) {
            assertThat(sent.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
            assertThat(live.poll(got, 0, SIZE, null)).as("the live sender's message").isEqualTo(SIZE);
            assertThat(got).isEqualTo(msg);
        } else {
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("played dead");
            for (int i = 0; i < CAPACITY; i++) {
                assertThat(live.offer(msg, 0, SIZE, 1, SENDER, 1)).isGreaterThanOrEqualTo(0);
            }
            for (int i = 0; i < CAPACITY; i++) {
                assertThat(live.poll(got, 0, SIZE, null)).isEqualTo(SIZE);
            }
        }
        return recovered;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long span() {
        return PriorityRingDescriptor.length(CAPACITY, SIZE);
    }

    private MappedRegion region() throws IOException {
        long length = BASE + span();
        return TestRegions.created(dir.resolve("ring"), length);
    }
}
