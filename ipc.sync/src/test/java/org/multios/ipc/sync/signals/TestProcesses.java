package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/** Callers and waits shared by the signal tests. */
final class TestProcesses {
    /** The longest any test waits for something that should happen. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private TestProcesses() {
    }

    /** A bundle of this JVM acting as the given user, with unlimited quotas. */
    static PosixCaller bundle(long id, String user) {
        return bundle(id, user, Map.of());
    }

    /** A bundle of this JVM acting as the given user, with the given quotas. */
    static PosixCaller bundle(long id, String user, Map<Quota, Long> quotas) {
        long pid = ProcessHandle.current().pid();
        IpcProcess p = new IpcProcess(ProcessKind.BUNDLE, id, "test.bundle" + id, pid, 0, user, Set.of(user));
        return new PosixCaller(p, new QuotaLedger(p.toString(), quotas));
    }

    /** Takes the next delivered signal, failing the test if none comes within {@link #WAIT}. */
    static SignalInfo next(BlockingQueue<SignalInfo> delivered) throws InterruptedException {
        SignalInfo info = delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(info).as("a signal delivered within " + WAIT).isNotNull();
        return info;
    }

    /** Waits until the condition holds, failing the test if it does not within {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Live threads whose names start with the mechanism's prefix. */
    static long mechanismThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(DeliveryThreads.PREFIX))
                .count();
    }
}
