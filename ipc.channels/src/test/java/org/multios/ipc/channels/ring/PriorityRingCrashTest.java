package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * A process that dies at each step of a send or a receive, played in one JVM: a ring attached
 * with the owner word of a pid that cannot exist and a hook that throws at the step leaves the
 * shared words exactly as a SIGKILL there would. The survivor then sends and receives the full
 * capacity and budget: nothing stalls, nothing torn is delivered, nothing published is lost.
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

    private static final class Died extends RuntimeException {
        Died() {
            super(null, null, false, false);
        }
    }

    @ParameterizedTest(name = "dies at step {0}")
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8 })
    void theSurvivorGoesOnAtFullCapacity(int step) throws IOException {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE, BUDGET);
        long span = PriorityRingDescriptor.length(CAPACITY, SIZE);
        PriorityRing live = PriorityRing.attach(region, BASE, span, "ring");
        PriorityRing dying = PriorityRing.attach(region, BASE, span, "ring", DEAD, s -> {
            if (s == step) {
                throw new Died();
            }
        });
        byte[] msg = message(7);
        boolean published;
        if (step <= 5) {
            // the dying process sends
            assertThatThrownBy(() -> dying.offer(msg, 0, SIZE, 3, SENDER, 1)).isInstanceOf(Died.class);
            published = step == 5;
        } else {
            // the survivor sends, the dying process receives
            assertThat(live.offer(msg, 0, SIZE, 3, SENDER, 1)).isGreaterThanOrEqualTo(0);
            byte[] buf = new byte[SIZE];
            if (step == 6) {
                assertThatThrownBy(() -> dying.poll(buf, 0, SIZE, null)).isInstanceOf(Died.class);
                published = true; // it held the slot but had not taken the message: it stays
            } else {
                assertThatThrownBy(() -> dying.poll(buf, 0, SIZE, null)).isInstanceOf(Died.class);
                published = false; // it had taken the message: lost with the receiver
            }
        }
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
        // the full capacity and budget again: a send that finds them short sweeps
        int sent = 0;
        for (int i = 0; i < 2 * CAPACITY && sent < CAPACITY; i++) {
            if (live.offer(message(i), 0, SIZE, i % 2, SENDER, 1) >= 0) {
                sent++;
            } else {
                try {
                    Thread.sleep(PriorityRing.SWEEP_INTERVAL_NANOS / 1_000_000 + 1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(sent).isEqualTo(CAPACITY);
        assertThat(live.bytesQueued()).isEqualTo(BUDGET);
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(live.poll(buf, 0, SIZE, info)).isEqualTo(SIZE);
        }
        assertThat(live.poll(buf, 0, SIZE, info)).isEqualTo(RingStatus.EMPTY);
        assertThat(live.bytesQueued()).isZero();
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
        try (FileChannel ch = FileChannel.open(dir.resolve("ring"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
            return MappedRegion.map(ch, length, true);
        }
    }
}
