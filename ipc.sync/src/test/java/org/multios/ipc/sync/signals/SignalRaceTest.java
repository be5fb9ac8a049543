package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.sync.signals.TestProcesses.bundle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Quota;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.PosixCaller;

/**
 * Races between a registration, its process and its handler calls, each window held open by a
 * {@link PausePoint}: reference counts (quota, the JVM's signal hook) are given back once on
 * every path, binding never returns a closed service, and no handler call starts after
 * {@code close()} returns.
 */
class SignalRaceTest {
    /** A JVM that accepts every signal handler; {@link SignalMechanism#installedOsSignals()} shows them. */
    static final OsSignalSource ACCEPTING_JVM = (signal, onSignal) -> new OsSignalSource.Hook() {
        @Override
        public void chain() {
        }

        @Override
        public void restore() {
        }
    };

    private final PausePoint pause = new PausePoint();
    private final SignalMechanism mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { },
            SignalSettings.defaults().withHandlerBudget(Duration.ofMinutes(1)), ACCEPTING_JVM, pause);
    private final PosixCaller alice = bundle(1, "alice");

    @AfterEach
    void stop() {
        pause.resume();
        mechanism.close();
    }

    @Test
    void closeRacingTheProcessGoingGivesTheHookAndQuotaBack() throws Exception {
        SignalRegistration r = mechanism.bind(alice).register(Signal.HUP, i -> { });
        assertThat(mechanism.installedOsSignals()).containsExactly(Signal.HUP);

        pause.arm(SignalMechanism.Hook.REGISTRATION_CLOSING);
        Background<Void> closing = Background.run("test-close", r::close);
        pause.awaitReached(); // marked closed, not yet removed from its process
        mechanism.release(alice);
        pause.resume();
        closing.get();

        assertThat(mechanism.installedOsSignals()).as("JVM hooks left installed").isEmpty();
        assertThat(alice.quotas().used(Quota.SIGNAL_HANDLERS)).as("handler quota still held").isZero();
        assertThat(mechanism.connectionCount()).isZero();
    }

    @Test
    void registerRacingTheProcessGoingLeavesNoHookInstalled() throws Exception {
        SignalService a = mechanism.bind(alice);

        pause.arm(SignalMechanism.Hook.REGISTERED);
        Background<SignalRegistration> registering = Background.call("test-register",
                () -> a.register(Signal.HUP, i -> { }));
        pause.awaitReached(); // listed in its process, not yet returned
        mechanism.release(alice);
        pause.resume();
        SignalRegistration r = registering.get();

        assertThat(r.isClosed()).isTrue();
        assertThat(mechanism.installedOsSignals()).as("JVM hooks left installed").isEmpty();
        assertThat(alice.quotas().used(Quota.SIGNAL_HANDLERS)).as("handler quota still held").isZero();
    }

    @Test
    void bindingWhileTheLastContextIsReleasedReturnsALiveService() throws Exception {
        mechanism.bind(alice);
        PosixCaller again = bundle(1, "alice"); // a new context of the same bundle

        pause.arm(SignalMechanism.Hook.LAST_CONTEXT_DETACHED);
        Background<Void> releasing = Background.run("test-release", () -> mechanism.release(alice));
        pause.awaitReached();
        SignalService service = mechanism.bind(again);
        pause.resume();
        releasing.get();

        AtomicInteger delivered = new AtomicInteger();
        CountDownLatch got = new CountDownLatch(1);
        service.register(Signal.USR1, i -> {
            delivered.incrementAndGet();
            got.countDown();
        });
        service.send(again.process(), Signal.USR1);
        assertThat(got.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(delivered).hasValue(1);
    }

    @Test
    void noHandlerCallStartsAfterCloseReturns() throws Exception {
        SignalService a = mechanism.bind(alice);
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicInteger callsAfterClose = new AtomicInteger();
        SignalRegistration r = a.register(Signal.USR1, i -> {
            if (closeReturned.get()) {
                callsAfterClose.incrementAndGet();
            }
        });

        pause.arm(SignalMechanism.Hook.CALL_ADMITTED);
        a.send(alice.process(), Signal.USR1);
        pause.awaitReached(); // the delivery thread decided to call the handler
        Background<Void> closing = Background.run("test-close", () -> {
            r.close();
            closeReturned.set(true);
        });
        TestProcesses.await("close() returned or waits for the call in progress",
                () -> !closing.thread().isAlive() || closing.thread().getState() == Thread.State.WAITING);
        pause.resume();
        closing.get();
        TestProcesses.await("the call ended", () -> r.statistics().get(Counter.MESSAGES_IN) == 1);

        assertThat(callsAfterClose).as("handler calls that started after close() returned").hasValue(0);
    }

    @Test
    void closeFromInsideTheHandlerReturnsAtOnce() throws Exception {
        SignalService a = mechanism.bind(alice);
        AtomicReference<SignalRegistration> self = new AtomicReference<>();
        CountDownLatch closedInside = new CountDownLatch(1);
        self.set(a.register(Signal.USR1, i -> {
            self.get().close();
            closedInside.countDown();
        }));

        a.send(alice.process(), Signal.USR1);

        assertThat(closedInside.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("close() called by the handler itself returned").isTrue();
        assertThat(self.get().isClosed()).isTrue();
        assertThat(mechanism.installedOsSignals()).isEmpty();
    }
}
