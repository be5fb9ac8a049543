package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The liveness rule (issue #21, item 2): a live process is never judged dead; dead only on
 * ESRCH or a start tick that differs. Checked against a real child process, and with the
 * operating system's answers replaced by the failures a checker meets (EPERM, no file
 * descriptors, hidden {@code /proc}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessLivenessTest {
    private static final int EPERM = 1;
    private static final int ESRCH = 3;

    private final ProcessLiveness system = ProcessLiveness.system();
    private Process child;

    @BeforeEach
    void linux() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "Linux /proc and kill");
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLiveChildIsAliveWithItsStartTickAndDeadOnceItEnded() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        int pid = (int) child.pid();
        int tick = system.startTick(pid);
        assertThat(tick).isNotEqualTo(ProcessLiveness.UNKNOWN_START);

        assertThat(system.isDead(pid, tick)).isFalse();
        assertThat(system.isDead(pid, ProcessLiveness.UNKNOWN_START)).isFalse();
        assertThat(system.isDead(pid, tick + 1)).as("the same pid with another start: reused").isTrue();

        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(system.isDead(pid, tick)).isTrue();
        assertThat(system.isDead(pid, ProcessLiveness.UNKNOWN_START)).isTrue();
    }

    @Test
    void thisThreadAndProcessHaveTheirOwnStartTicks() throws Exception {
        int tid = system.currentThreadId();
        assertThat(tid).isPositive();
        int processTick = system.startTick(ProcessHandle.current().pid());
        assertThat(system.currentProcessStartTick()).isEqualTo(processTick);
        long raw = ProcessLiveness.startTickOf(Files.readString(Path.of("/proc/self/stat")));
        assertThat(processTick).as("field 22 modulo 2^32 - 1, plus 1").isEqualTo((int) (raw % 0xffff_ffffL + 1));
        assertThat(system.isDead(tid, system.currentThreadStartTick())).isFalse();
        assertThat(system.isDead(ProcessHandle.current().pid(), processTick)).isFalse();

        int[] other = new int[2];
        Thread t = new Thread(() -> {
            other[0] = system.currentThreadId();
            other[1] = system.currentThreadStartTick();
        }, "liveness-other-thread");
        t.start();
        t.join();
        assertThat(other[0]).isPositive().isNotEqualTo(tid);
        // the OS thread outlives the Java thread's end by a moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!system.isDead(other[0], other[1])) {
            assertThat(System.nanoTime() < deadline).as("the ended thread is judged dead").isTrue();
            Thread.sleep(1);
        }
    }

    @Test
    void anOwnerIsNotDeadWhenItsLivenessCannotBeRead() {
        int live = 4242;
        // another user's process: kill says EPERM, /proc is hidden
        assertThat(liveness(EPERM, null).isDead(live, 777)).isFalse();
        // no file descriptors left: kill answers, /proc cannot be opened
        assertThat(liveness(0, null).isDead(live, 777)).isFalse();
        // an unexpected error of kill, a start tick that cannot be parsed
        assertThat(liveness(22, null).isDead(live, 777)).isFalse();
        assertThat(liveness(0, "4242 (x) S garbage").isDead(live, 777)).isFalse();
        // only ESRCH, or a start tick read and different, is death (field 22 = 777 is kept as 778)
        assertThat(liveness(ESRCH, null).isDead(live, 778)).isTrue();
        assertThat(liveness(0, stat(778)).isDead(live, 778)).isTrue();
        assertThat(liveness(0, stat(777)).isDead(live, 778)).isFalse();
    }

    @Test
    void startTicksAreKeptIn32BitsAndNeverZero() {
        long tick = 0xffff_ffffL + 98;
        assertThat(liveness(0, stat(tick)).isDead(4242, 99)).isFalse();
        assertThat(liveness(0, stat(tick)).isDead(4242, 98)).isTrue();
        assertThat(liveness(0, stat(0xffff_ffffL)).isDead(4242, 1)).as("field 22 = 2^32 - 1 is kept as 1").isFalse();
    }

    @Test
    void ownersOfAnotherNamespaceOrMarkedForeignAreNeverJudged() {
        ProcessLiveness here = liveness(ESRCH, null);
        long home = here.namespaces();
        long gone = ProcessLiveness.ownerWord(4242, 777, false);
        assertThat(here.isOwnerDead(gone, home)).isTrue();
        assertThat(here.isOwnerDead(gone, home + 1)).as("recorded in another namespace").isFalse();
        assertThat(here.isOwnerDead(ProcessLiveness.ownerWord(4242, 777, true), home)).as("foreign owner").isFalse();

        ProcessLiveness alive = liveness(0, stat(777));
        assertThat(alive.isOwnerDead(ProcessLiveness.ownerWord(4242, 778, false), home)).isFalse();
        // words no owner writes name nobody: a reserved bit set, id 0, start tick 0
        assertThat(alive.isOwnerDead(ProcessLiveness.ownerWord(4242, 778, true) | 1L << 25, home)).isTrue();
        assertThat(alive.isOwnerDead(-1L, home)).isTrue();
        assertThat(alive.isOwnerDead(ProcessLiveness.ownerWord(0, 778, true), home)).isTrue();
        assertThat(alive.isOwnerDead(ProcessLiveness.ownerWord(4242, 0, true), home)).isTrue();
        assertThat(alive.isOwnerDead((1L << 30) + 1, home)).isTrue();

        ProcessLiveness unknownNamespace = new ProcessLiveness(new FakeOs(ESRCH, null, 0));
        assertThat(unknownNamespace.mayJudge(0)).isFalse();
        assertThat(unknownNamespace.isOwnerDead(gone, 0)).isFalse();
    }

    @Test
    void anOwnerWordKeepsIdTickAndFlagsApart() {
        long word = ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, -5, false) | 0x8000_0000L;
        assertThat(ProcessLiveness.ownerId(word)).isEqualTo(ProcessLiveness.MAX_ID);
        assertThat(ProcessLiveness.ownerStartTick(word)).isEqualTo(-5);
        assertThat(word & ProcessLiveness.OWNER_FOREIGN).isZero();
    }

    @Test
    void theStartTickIsField22EvenWithParenthesesAndSpacesInTheCommand() {
        assertThat(ProcessLiveness.startTickOf(stat("a) (b c", 123456))).isEqualTo(123456);
    }

    @Test
    void processOfAThreadIsItsThreadGroup() {
        assertThat(system.processOf(system.currentThreadId())).isEqualTo(ProcessHandle.current().pid());
    }

    private static ProcessLiveness liveness(int killError, String stat) {
        return new ProcessLiveness(new FakeOs(killError, stat, 4026531836L));
    }

    private static String stat(long tick) {
        return stat("java", tick);
    }

    /** A stat line as Linux writes it: start time in field 22. */
    private static String stat(String command, long tick) {
        StringBuilder b = new StringBuilder("4242 (" + command + ") S");
        for (int field = 4; field <= 21; field++) {
            b.append(' ').append(field);
        }
        return b.append(' ').append(tick).append(" 23 24\n").toString();
    }

    /** The answers of an operating system, fixed; a null stat cannot be read. */
    private record FakeOs(int killError, String statText, long namespace) implements ProcessLiveness.Os {
        @Override
        public int signalZero(int id) {
            return killError;
        }

        @Override
        public int currentThreadId() {
            return 4242;
        }

        @Override
        public String stat(String id) throws IOException {
            if (statText == null) {
                throw new IOException("Too many open files");
            }
            return statText;
        }

        @Override
        public String status(String id) throws IOException {
            throw new IOException("hidden");
        }

        @Override
        public long namespaces() {
            return namespace;
        }
    }
}
