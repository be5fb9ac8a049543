package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.multios.ipc.sync.signals.TestProcesses.next;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.posix.OsSignalSender;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalOrigin;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;

/** The real operating-system boundary: signals to child processes and to this JVM. */
class OsSignalTest {
    @TempDir
    Path dir;

    private final SignalMechanism mechanism = new SignalMechanism(IpcLimits.defaults(),
            SignalMechanism.loggingTerminator());
    private final PosixCaller self = new PosixCaller(LocalIdentity.currentProcess(),
            new QuotaLedger("this JVM", Map.of()));
    private Process child;

    @AfterEach
    void stop() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        mechanism.close();
    }

    @Test
    void sendsASignalToAnOsProcess() throws Exception {
        Path record = dir.resolve("received");
        Path ready = dir.resolve("ready");
        child = new ProcessBuilder("sh", "-c", "trap 'echo USR1 > \"$1\"; exit 0' USR1; : > \"$2\"; "
                + "i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 3", "child", record.toString(),
                ready.toString()).redirectErrorStream(true).start();
        TestProcesses.await("the child is ready", () -> Files.exists(ready));
        SignalService signals = mechanism.bind(self);

        signals.sendToOsProcess(child.pid(), Signal.USR1);

        assertThat(child.waitFor(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(Files.readString(record, StandardCharsets.UTF_8).trim()).isEqualTo("USR1");
    }

    @Test
    void queuesARealTimeSignalToAnOsProcess() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed");
        Path record = dir.resolve("received");
        Path ready = dir.resolve("ready");
        String script = String.join("\n",
                "import signal, sys, time",
                "def got(n, frame):",
                "    open(sys.argv[1], 'w').write(str(n - signal.SIGRTMIN))",
                "    sys.exit(0)",
                "signal.signal(signal.SIGRTMIN + 2, got)",
                "open(sys.argv[2], 'w').close()",
                "for i in range(300):",
                "    time.sleep(0.1)",
                "sys.exit(3)");
        child = new ProcessBuilder("python3", "-c", script, record.toString(), ready.toString())
                .redirectErrorStream(true).start();
        TestProcesses.await("the child is ready", () -> Files.exists(ready));
        SignalService signals = mechanism.bind(self);

        signals.sendToOsProcess(child.pid(), Signal.realTime(2), 1234);

        assertThat(child.waitFor(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(Files.readString(record, StandardCharsets.UTF_8).trim()).isEqualTo("2");
    }

    @Test
    void osErrorsMapToIpcErrors() {
        SignalService signals = mechanism.bind(self);
        assertThatThrownBy(() -> signals.sendToOsProcess(0, Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> signals.sendToOsProcess(ProcessHandle.current().pid(), Signal.USR1, 1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> signals.sendToOsProcess(Integer.MAX_VALUE - 1, Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
        OsSignalSender sender = new OsSignalSender();
        assertThatThrownBy(() -> sender.kill(Integer.MAX_VALUE - 1, Signal.USR1)) // ESRCH from the OS
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
    }

    @Test
    void anotherUserMayNotSignalAnOsProcess() throws Exception {
        assumeTrue(!"nobody".equals(LocalIdentity.user()));
        child = new ProcessBuilder("sleep", "30").start();
        IpcProcess me = LocalIdentity.currentProcess();
        IpcProcess stranger = new IpcProcess(ProcessKind.BUNDLE, 7, "stranger", me.pid(), 0, "nobody",
                Set.of("nogroup"));
        SignalService signals = mechanism.bind(new PosixCaller(stranger, new QuotaLedger("stranger", Map.of())));

        assertThatThrownBy(() -> signals.sendToOsProcess(child.pid(), Signal.TERM))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(child.isAlive()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"USR2", "USR1"})
    void receivesAnOsSignalSentToThisJvm(String name) throws Exception {
        Signal signal = Signal.parse(name);
        SignalService signals = mechanism.bind(self);
        assumeTrue(signals.osSignals().contains(signal), "this JVM cannot handle " + signal);
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        SignalRegistration registration = signals.register(signal, got::add);
        assertThat(mechanism.installedOsSignals()).contains(signal);

        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        assertThat(kill.waitFor(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();

        SignalInfo info = next(got);
        assertThat(info.signal()).isEqualTo(signal);
        assertThat(info.origin()).isEqualTo(SignalOrigin.OPERATING_SYSTEM);
        registration.close();
        assertThat(mechanism.installedOsSignals()).doesNotContain(signal);
    }

    private static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "pass").start();
            return p.waitFor(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
