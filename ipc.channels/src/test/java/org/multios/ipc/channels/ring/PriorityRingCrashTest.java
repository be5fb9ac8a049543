package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.StepPause;

/**
 * A process that dies at each step of a send or a receive, played in one JVM: a ring attached
 * with the owner word of a pid that cannot exist and a hook that stops its thread at the step, as
 * a SIGKILL there would, until the survivor is done (it then throws, and whatever its ring does
 * about that finds the survivor's state). The survivor then sends and receives the full capacity
 * and budget: nothing stalls, nothing torn is delivered, nothing published is lost. A slot the
 * dead process took off every ring (steps 2, 4 and 7) comes back only by a sweep, which a send
 * that finds the ring full runs when one is due: the survivor's sweeps fall due by a clock the
 * test advances, not by sleeping.
 */
@Timeout(30)
class PriorityRingCrashTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 4;
    private static final int SIZE = 16;
    private static final int BUDGET = 4 * SIZE;
    /** An owner no process is: the largest id Linux could give, far above the usual pid_max. */
    private static final long DEAD = ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, false);
    private static final long SENDER = PriorityRing.sender(ProcessKind.OS_PROCESS, 1);

    @TempDir
    Path dir;

    private final ExecutorService dyingProcess = Executors.newSingleThreadExecutor(r -> new Thread(r, "dying-process"));

    @AfterEach
    void stop() {
        dyingProcess.shutdownNow();
    }

    private static final class Died extends RuntimeException {
        Died() {
            super(null, null, false, false);
        }
    }

    @ParameterizedTest(name = "dies at step {0}")
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8 })
    void theSurvivorGoesOnAtFullCapacity(int step) throws Exception {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE, BUDGET);
        long span = PriorityRingDescriptor.length(CAPACITY, SIZE);
        AtomicLong clock = new AtomicLong();
        PriorityRing live = PriorityRing.attach(region, BASE, span, "ring", clock::get);
        live.sweepIfDue(); // the survivor swept just before: the next sweep falls due an interval later
        StepPause stop = new StepPause().arm(step);
        PriorityRing dying = PriorityRing.attach(region, BASE, span, "ring", DEAD, s -> {
            stop.accept(s); // the process stops at its step until the survivor is done
            if (s == step) {
                throw new Died();
            }
        });
        byte[] msg = message(7);
        boolean published;
        Future<Integer> death;
        if (step <= 5) {
            // the dying process sends
            death = dyingProcess.submit(() -> dying.offer(msg, 0, SIZE, 3, SENDER, 1));
            published = step == 5;
        } else {
            // the survivor sends, the dying process receives
            assertThat(live.offer(msg, 0, SIZE, 3, SENDER, 1)).isGreaterThanOrEqualTo(0);
            death = dyingProcess.submit(() -> dying.poll(new byte[SIZE], 0, SIZE, null));
            // at step 6 it held the slot but had not taken the message: it stays; later it had taken it
            published = step == 6;
        }
        stop.awaitReached();
        byte[] buf = new byte[SIZE];
        MessageInfo info = new MessageInfo();
        if (step == 5) {
            // died after publishing, before marking the priority: the sweep of a waiting receiver marks it
            live.recover();
        }
        if (published) {
            assertThat(live.poll(buf, 0, SIZE, info)).isEqualTo(SIZE);
            assertThat(buf).isEqualTo(msg);
        }
        assertThat(live.poll(buf, 0, SIZE, info)).as("nothing torn is delivered").isEqualTo(RingStatus.EMPTY);
        // the full capacity and budget again: a send that finds them short sweeps, once a sweep is due
        int sent = 0;
        for (int i = 0; i < 2 * CAPACITY && sent < CAPACITY; i++) {
            if (live.offer(message(i), 0, SIZE, i % 2, SENDER, 1) >= 0) {
                sent++;
            } else {
                clock.addAndGet(PriorityRing.SWEEP_INTERVAL_NANOS);
            }
        }
        assertThat(sent).isEqualTo(CAPACITY);
        assertThat(live.bytesQueued()).isEqualTo(BUDGET);
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(live.poll(buf, 0, SIZE, info)).isEqualTo(SIZE);
        }
        assertThat(live.poll(buf, 0, SIZE, info)).isEqualTo(RingStatus.EMPTY);
        assertThat(live.bytesQueued()).isZero();

        stop.resume();
        assertThatThrownBy(() -> death.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(Died.class);
        assertThat(live.poll(buf, 0, SIZE, info)).as("the dead thread's clean-up found nothing of its own")
                .isEqualTo(RingStatus.EMPTY);
    }

    private static byte[] message(int seed) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private MappedRegion region() throws IOException {
        long length = BASE + PriorityRingDescriptor.length(CAPACITY, SIZE);
        return TestRegions.created(dir.resolve("ring"), length);
    }
}
