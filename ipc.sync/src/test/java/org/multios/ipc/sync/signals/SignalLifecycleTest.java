package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.sync.signals.TestProcesses.bundle;
import static org.multios.ipc.sync.signals.TestProcesses.next;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.Quota;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalRegistration;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.PosixCaller;

class SignalLifecycleTest {
    private SignalMechanism mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { }, SignalSettings.defaults(),
            OsSignalSource.NONE);

    @AfterEach
    void stop() {
        mechanism.close();
    }

    @Test
    void handlersPerProcessAreLimited() {
        mechanism.close();
        mechanism = new SignalMechanism(IpcLimits.defaults().with(Limit.SIGNAL_HANDLERS, 2), p -> { },
                SignalSettings.defaults(), OsSignalSource.NONE);
        SignalService a = mechanism.bind(bundle(1, "alice"));
        a.register(Signal.USR1, i -> { });
        SignalRegistration second = a.register(Signal.USR2, i -> { });

        assertThatThrownBy(() -> a.register(Signal.HUP, i -> { }))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("signal.handlers.max = 2")
                .hasMessageContaining("bundle 1");
        second.close();
        a.register(Signal.HUP, i -> { });
        assertThat(mechanism.connectionCount()).isEqualTo(2);
    }

    @Test
    void theDefaultLimitIs64() {
        SignalService a = mechanism.bind(bundle(1, "alice"));
        for (int i = 0; i < 64; i++) {
            a.register(Signal.USR1, info -> { });
        }
        assertThatThrownBy(() -> a.register(Signal.USR1, info -> { }))
                .hasMessageContaining("signal.handlers.max = 64");
    }

    @Test
    void handlersReserveTheCallersQuota() {
        PosixCaller alice = bundle(1, "alice", Map.of(Quota.SIGNAL_HANDLERS, 1L));
        SignalService a = mechanism.bind(alice);
        SignalRegistration r = a.register(Signal.USR1, i -> { });
        assertThat(alice.quotas().used(Quota.SIGNAL_HANDLERS)).isEqualTo(1);

        assertThatThrownBy(() -> a.register(Signal.USR2, i -> { }))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("quota.signal.handlers");
        assertThat(mechanism.connectionCount()).isEqualTo(1);

        r.close();
        assertThat(alice.quotas().used(Quota.SIGNAL_HANDLERS)).isZero();
        a.register(Signal.USR2, i -> { });
    }

    @Test
    void releaseRemovesHandlersPendingSignalsAndQuota() {
        PosixCaller alice = bundle(1, "alice");
        PosixCaller other = bundle(2, "alice");
        SignalService a = mechanism.bind(alice);
        SignalService b = mechanism.bind(other);
        SignalRegistration r1 = a.register(Signal.USR1, i -> { });
        SignalRegistration r2 = a.register(Signal.RTMIN, i -> { });
        a.block(Set.of(Signal.USR1, Signal.RTMIN));
        b.send(alice.process(), Signal.USR1);
        b.send(alice.process(), Signal.RTMIN, 1);
        assertThat(a.pending()).hasSize(2);

        mechanism.release(alice);

        assertThat(r1.isClosed()).isTrue();
        assertThat(r2.isClosed()).isTrue();
        assertThat(mechanism.objects()).isEmpty();
        assertThat(mechanism.connectionCount()).isZero();
        assertThat(alice.quotas().used(Quota.SIGNAL_HANDLERS)).isZero();
        assertThatThrownBy(() -> b.send(alice.process(), Signal.USR1))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
        assertThatThrownBy(() -> a.register(Signal.USR1, i -> { }))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));

        SignalService again = mechanism.bind(alice);
        assertThat(again.pending()).isEmpty();
        assertThat(again.blocked()).isEmpty();
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        mechanism.close();
        TestProcesses.await("threads of earlier mechanisms ended", () -> TestProcesses.mechanismThreads() == 0);
        mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { },
                SignalSettings.defaults().withHandlerBudget(Duration.ofMillis(200)), OsSignalSource.NONE);
        PosixCaller alice = bundle(1, "alice");
        SignalService a = mechanism.bind(alice);
        BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
        CountDownLatch stuck = new CountDownLatch(1);
        a.register(Signal.USR1, got::add);
        a.register(Signal.USR2, info -> {
            stuck.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 5; i++) {
            a.send(alice.process(), Signal.USR1, i);
            next(got);
        }
        a.send(alice.process(), Signal.USR2);
        assertThat(stuck.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(TestProcesses.mechanismThreads()).isPositive();

        mechanism.close();

        TestProcesses.await("every thread of the mechanism ended", () -> TestProcesses.mechanismThreads() == 0);
        assertThatThrownBy(() -> mechanism.bind(alice))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }

    @Test
    void theFactoryMakesAMechanismForTheBootstrap() {
        SignalFactory factory = new SignalFactory();
        var provider = factory.create(org.multios.ipc.IpcEnvironment.defaults());
        try {
            assertThat(provider.apiType()).isEqualTo(SignalService.class);
            assertThat(provider.bind(bundle(1, "alice"))).isNotNull();
        } finally {
            factory.close(provider);
        }
    }
}
