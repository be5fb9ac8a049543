package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.sync.signals.TestProcesses.bundle;
import static org.multios.ipc.sync.signals.TestProcesses.next;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalOrigin;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;

/** The OS boundary's bookkeeping, against a simulated JVM. */
class OsSignalBridgeTest {
    /** A JVM whose signals the test raises, that refuses USR2 as HotSpot often does. */
    private static final class SimulatedJvm implements OsSignalSource {
        final Map<Signal, Runnable> installed = new ConcurrentHashMap<>();
        final AtomicInteger chained = new AtomicInteger();

        @Override
        public Hook install(Signal signal, Runnable onSignal) {
            if (signal.equals(Signal.USR2)) {
                throw new IpcException(IpcError.UNSUPPORTED, "Signal already used by VM or OS: SIGUSR2");
            }
            installed.put(signal, onSignal);
            return new Hook() {
                @Override
                public void chain() {
                    chained.incrementAndGet();
                }

                @Override
                public void restore() {
                    installed.remove(signal);
                }
            };
        }

        void raise(Signal signal) {
            installed.get(signal).run();
        }
    }

    private final SimulatedJvm jvm = new SimulatedJvm();
    private final SignalMechanism mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { },
            SignalSettings.defaults(), jvm);

    @AfterEach
    void stop() {
        mechanism.close();
    }

    @Test
    void installsOnlyWhileAProcessHandlesTheSignal() {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        SignalService b = mechanism.bind(bundle(2, "alice"));
        assertThat(a.osSignals()).contains(Signal.HUP, Signal.TERM, Signal.USR1).doesNotContain(Signal.USR2);
        assertThat(jvm.installed).isEmpty();

        SignalRegistration r1 = a.register(Signal.HUP, i -> { });
        SignalRegistration r2 = b.register(Signal.HUP, i -> { });
        b.register(Signal.USR2, i -> { }); // refused by the JVM: IPC delivery only
        assertThat(jvm.installed).containsOnlyKeys(Signal.HUP);

        r1.close();
        assertThat(jvm.installed).containsOnlyKeys(Signal.HUP);
        r2.close();
        assertThat(jvm.installed).isEmpty();
    }

    @Test
    void deliversToHandlingProcessesAndChainsOnlyWhenNoneTakesIt() throws Exception {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        SignalService b = mechanism.bind(bundle(2, "alice"));
        BlockingQueue<SignalInfo> gotA = new LinkedBlockingQueue<>();
        BlockingQueue<SignalInfo> gotB = new LinkedBlockingQueue<>();
        a.register(Signal.HUP, gotA::add);
        b.register(Signal.HUP, gotB::add);

        jvm.raise(Signal.HUP);

        SignalInfo info = next(gotA);
        assertThat(info.origin()).isEqualTo(SignalOrigin.OPERATING_SYSTEM);
        assertThat(info.sender()).isEmpty();
        assertThat(next(gotB).signal()).isEqualTo(Signal.HUP);
        assertThat(jvm.chained).hasValue(0);

        a.ignore(Signal.HUP);
        b.ignore(Signal.HUP);
        jvm.raise(Signal.HUP);
        assertThat(jvm.chained).hasValue(1);
    }

    @Test
    void termStillReachesTheJvmAfterTheHandlers() throws Exception {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.TERM, got::add);

        jvm.raise(Signal.TERM);

        assertThat(next(got).signal()).isEqualTo(Signal.TERM);
        assertThat(jvm.chained).hasValue(1);
    }

    @Test
    void blockedOsSignalsStayPending() throws Exception {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);
        a.block(Set.of(Signal.USR1));

        jvm.raise(Signal.USR1);

        assertThat(a.pending()).extracting(SignalInfo::origin).containsExactly(SignalOrigin.OPERATING_SYSTEM);
        a.unblock(Set.of(Signal.USR1));
        assertThat(next(got).origin()).isEqualTo(SignalOrigin.OPERATING_SYSTEM);
    }

    @Test
    void closeRestoresEveryJvmHandler() {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        a.register(Signal.HUP, i -> { });
        a.register(Signal.TERM, i -> { });
        assertThat(jvm.installed).hasSize(2);

        mechanism.close();

        assertThat(jvm.installed).isEmpty();
    }
}
