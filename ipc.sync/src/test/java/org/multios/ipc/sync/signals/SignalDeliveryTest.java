package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.sync.signals.TestProcesses.bundle;
import static org.multios.ipc.sync.signals.TestProcesses.next;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.signal.Disposition;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalOrigin;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.PosixCaller;

class SignalDeliveryTest {
    private final BlockingQueue<IpcProcess> terminated = new LinkedBlockingQueue<>();
    private SignalMechanism mechanism;
    private PosixCaller alice;
    private PosixCaller alice2;
    private SignalService a;
    private SignalService b;

    @BeforeEach
    void start() {
        mechanism = new SignalMechanism(IpcLimits.defaults(), terminated::add, SignalSettings.defaults(),
                OsSignalSource.NONE);
        alice = bundle(1, "alice");
        alice2 = bundle(2, "alice");
        a = mechanism.bind(alice);
        b = mechanism.bind(alice2);
    }

    @AfterEach
    void stop() {
        mechanism.close();
    }

    @Test
    void deliversWithValueAndSenderOnADeliveryThread() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        SignalRegistration r = a.register(Signal.USR1, info -> {
            threads.add(Thread.currentThread().getName());
            got.add(info);
        });

        b.send(alice.process(), Signal.USR1, 42);

        SignalInfo info = next(got);
        assertThat(info.signal()).isEqualTo(Signal.USR1);
        assertThat(info.value()).isEqualTo(42);
        assertThat(info.sender()).contains(alice2.process());
        assertThat(info.origin()).isEqualTo(SignalOrigin.IPC);
        assertThat(threads.poll()).startsWith("ipc-signal-delivery-").isNotEqualTo(Thread.currentThread().getName());
        assertThat(r.statistics().get(Counter.MESSAGES_IN)).isEqualTo(1);
        assertThat(a.disposition(Signal.USR1)).isEqualTo(Disposition.HANDLED);
    }

    @Test
    void sendsByKindAndIdAndToItself() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.HUP, got::add);

        b.send(alice.process().kind(), alice.process().id(), Signal.HUP, 7);
        a.send(alice.process(), Signal.HUP);

        assertThat(next(got).value()).isEqualTo(7);
        assertThat(next(got).sender()).contains(alice.process());
    }

    @Test
    void blockedStandardSignalsCoalesceAndArriveOnceOnUnblock() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);
        a.register(Signal.USR2, got::add);
        a.block(Set.of(Signal.USR1));

        b.send(alice.process(), Signal.USR1, 1);
        b.send(alice.process(), Signal.USR1, 2);

        assertThat(a.blocked()).containsExactly(Signal.USR1);
        assertThat(a.pending()).extracting(SignalInfo::value).containsExactly(1L);
        a.unblock(Set.of(Signal.USR1));
        SignalInfo first = next(got);
        assertThat(first.signal()).isEqualTo(Signal.USR1);
        assertThat(first.value()).isEqualTo(1);

        b.send(alice.process(), Signal.USR2, 99); // delivered after any second USR1, on the same lane
        SignalInfo marker = next(got);
        assertThat(marker.signal()).isEqualTo(Signal.USR2);
        assertThat(got).isEmpty();
        assertThat(a.pending()).isEmpty();
    }

    @Test
    void blockedRealTimeSignalsQueueInOrderWithTheirValues() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        Signal rt0 = Signal.RTMIN;
        Signal rt1 = Signal.realTime(1);
        a.register(rt0, got::add);
        a.register(rt1, got::add);
        a.block(Set.of(rt0, rt1));

        b.send(alice.process(), rt1, 10);
        b.send(alice.process(), rt0, 1);
        b.send(alice.process(), rt1, 11);
        b.send(alice.process(), rt0, 2);

        assertThat(a.pending()).extracting(SignalInfo::value).containsExactly(1L, 2L, 10L, 11L);
        a.unblock(Set.of(rt0, rt1));
        assertThat(List.of(next(got), next(got), next(got), next(got)))
                .extracting(i -> i.signal().number() + ":" + i.value())
                .containsExactly("34:1", "34:2", "35:10", "35:11");
    }

    @Test
    void realTimeQueueIsBounded() {
        mechanism.close();
        mechanism = new SignalMechanism(IpcLimits.defaults(), terminated::add,
                SignalSettings.defaults().withQueuedSignalsMax(3), OsSignalSource.NONE);
        a = mechanism.bind(alice);
        b = mechanism.bind(alice2);
        a.register(Signal.RTMIN, info -> { });
        a.block(Set.of(Signal.RTMIN));
        for (int i = 0; i < 3; i++) {
            b.send(alice.process(), Signal.RTMIN, i);
        }

        assertThatThrownBy(() -> b.send(alice.process(), Signal.RTMIN, 3))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("signal.queue.max = 3");
        assertThat(a.pending()).hasSize(3);
    }

    @Test
    void ignoredSignalsAreDiscardedEvenWhenPending() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);
        a.register(Signal.USR2, got::add);
        a.block(Set.of(Signal.USR1));
        b.send(alice.process(), Signal.USR1);

        a.ignore(Signal.USR1);

        assertThat(a.pending()).isEmpty();
        assertThat(a.disposition(Signal.USR1)).isEqualTo(Disposition.IGNORED);
        a.unblock(Set.of(Signal.USR1));
        b.send(alice.process(), Signal.USR1);
        b.send(alice.process(), Signal.USR2);
        assertThat(next(got).signal()).isEqualTo(Signal.USR2);
        a.restoreDefault(Signal.USR1);
        assertThat(a.disposition(Signal.USR1)).isEqualTo(Disposition.HANDLED);
    }

    @Test
    void killAndStopCannotBeCaught() {
        assertThatThrownBy(() -> a.register(Signal.KILL, i -> { })).isInstanceOf(IpcException.class)
                .hasMessageContaining("SIGKILL");
        assertThatThrownBy(() -> a.ignore(Signal.STOP)).isInstanceOf(IpcException.class);
        assertThatThrownBy(() -> a.block(Set.of(Signal.KILL))).isInstanceOf(IpcException.class);
    }

    @Test
    void unhandledTerminatingSignalTakesTheDefaultAction() throws Exception {
        b.send(alice.process(), Signal.TERM);
        assertThat(terminated.poll(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(alice.process());

        a.register(Signal.TERM, i -> { });
        a.block(Set.of(Signal.TERM));
        b.send(alice.process(), Signal.KILL); // neither handled nor blocked
        assertThat(terminated.poll(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(alice.process());
        assertThat(a.disposition(Signal.CHLD)).isEqualTo(Disposition.DEFAULT);
    }

    @Test
    void aThrowingHandlerDoesNotStopTheOthers() throws Exception {
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        SignalRegistration failing = a.register(Signal.USR1, info -> {
            throw new IllegalStateException("handler failure (expected by the test)");
        });
        a.register(Signal.USR1, got::add);

        b.send(alice.process(), Signal.USR1, 1);
        assertThat(next(got).value()).isEqualTo(1);
        b.send(alice.process(), Signal.USR1, 2);
        assertThat(next(got).value()).isEqualTo(2);

        assertThat(failing.statistics().get(Counter.ERRORS)).isEqualTo(2);
        assertThat(failing.statistics().get(Counter.MESSAGES_IN)).isEqualTo(2);
        assertThat(failing.isClosed()).isFalse();
    }

    @Test
    void aBlockedHandlerOfOneProcessDoesNotDelayAnother() throws Exception {
        mechanism.close();
        mechanism = new SignalMechanism(IpcLimits.defaults(), terminated::add,
                SignalSettings.defaults().withHandlerBudget(Duration.ofMinutes(5)), OsSignalSource.NONE);
        a = mechanism.bind(alice);
        b = mechanism.bind(alice2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.register(Signal.USR1, info -> {
            entered.countDown();
            try {
                release.await(TestProcesses.WAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BlockingQueue<SignalInfo> gotB = new LinkedBlockingQueue<>();
        b.register(Signal.USR1, gotB::add);
        try {
            b.send(alice.process(), Signal.USR1);
            assertThat(entered.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

            for (int i = 0; i < 20; i++) {
                a.send(alice2.process(), Signal.USR1, i);
                assertThat(next(gotB).value()).isEqualTo(i);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aHandlerOverrunningItsBudgetIsInterruptedCountedAndLeftBehind() throws Exception {
        mechanism.close();
        mechanism = new SignalMechanism(IpcLimits.defaults(), terminated::add,
                SignalSettings.defaults().withHandlerBudget(Duration.ofMillis(100)), OsSignalSource.NONE);
        a = mechanism.bind(alice);
        b = mechanism.bind(alice2);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Boolean> interrupted = new LinkedBlockingQueue<>();
        SignalRegistration slow = a.register(Signal.USR1, info -> {
            boolean wasInterrupted = false;
            long deadline = System.nanoTime() + TestProcesses.WAIT.toNanos();
            while (release.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    release.await(10, TimeUnit.MILLISECONDS); // ignores interruption on purpose
                } catch (InterruptedException e) {
                    wasInterrupted = true;
                }
            }
            interrupted.add(wasInterrupted);
        });
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);
        try {
            b.send(alice.process(), Signal.USR1, 5);
            assertThat(next(got).value()).isEqualTo(5); // the second handler ran while the first is stuck
            TestProcesses.await("overrun counted", () -> slow.statistics().get(Counter.TIMEOUTS) == 1);
        } finally {
            release.countDown();
        }
        assertThat(interrupted.poll(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void differentUserMayNotSignalButRootMay() throws Exception {
        PosixCaller bob = bundle(3, "bob");
        PosixCaller root = bundle(4, "root");
        SignalService bobService = mechanism.bind(bob);
        SignalService rootService = mechanism.bind(root);
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);

        assertThatThrownBy(() -> bobService.send(alice.process(), Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        rootService.send(alice.process(), Signal.USR1, 3);
        assertThat(next(got).sender()).contains(root.process());
    }

    @Test
    void aTargetForgedWithTheSendersUserIsJudgedAsTheLiveProcessItNames() throws Exception {
        PosixCaller bob = bundle(3, "bob");
        SignalService bobService = mechanism.bind(bob);
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        a.register(Signal.USR1, got::add);
        IpcProcess real = alice.process();
        IpcProcess forged = new IpcProcess(real.kind(), real.id(), real.name(), real.pid(), real.startTimeMillis(),
                "bob", Set.of("bob"));

        assertThatThrownBy(() -> bobService.send(forged, Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(got).as("nothing delivered").isEmpty();
    }

    @Test
    void unknownTargetsAreNotFoundAndRemoteOnesUnsupported() {
        PosixCaller stranger = bundle(99, "alice");
        assertThatThrownBy(() -> a.send(stranger.process(), Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
        assertThatThrownBy(() -> a.send(org.multios.ipc.ProcessKind.BUNDLE, 99, Signal.USR1, 0))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
        IpcProcess remote = new IpcProcess(org.multios.ipc.ProcessKind.REMOTE, 1, "peer", 0, 0, "alice",
                Set.of("alice"));
        assertThatThrownBy(() -> a.send(remote, Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.UNSUPPORTED));
    }

    @Test
    void everyRegistrationIsAnObject() {
        SignalRegistration r1 = a.register(Signal.USR1, i -> { });
        SignalRegistration r2 = b.register(Signal.HUP, i -> { });

        assertThat(mechanism.objects()).hasSize(2).allMatch(o -> o.type() == ObjectType.SIGNAL);
        assertThat(mechanism.objects()).extracting(o -> o.id()).containsExactlyInAnyOrder(r1.id(), r2.id());
        assertThat(r1.info().creator()).isEqualTo(alice.process());
        assertThat(mechanism.connectionCount()).isEqualTo(2);
        assertThatThrownBy(() -> r1.setPermissions(r1.permissions()))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.UNSUPPORTED));

        r1.close();
        r1.close();
        assertThat(r1.isClosed()).isTrue();
        assertThat(mechanism.connectionCount()).isEqualTo(1);
        assertThat(a.disposition(Signal.USR1)).isEqualTo(Disposition.DEFAULT);
    }
}
