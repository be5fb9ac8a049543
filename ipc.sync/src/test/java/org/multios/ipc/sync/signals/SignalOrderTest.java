package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.multios.ipc.IpcLimits;
import org.multios.ipc.signal.Signal;
import org.multios.ipc.signal.SignalInfo;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.local.PosixCaller;

/**
 * A signal already on its way when its number is blocked becomes pending in sending order:
 * queued signals of one number keep their order, and a coalesced standard signal keeps the
 * first value sent. The process's delivery lane is held busy by a handler waiting on a latch,
 * so that the block and the second send land while the first signal waits on the lane.
 */
class SignalOrderTest {
    private SignalMechanism mechanism;
    private PosixCaller alice;
    private SignalService a;
    private final BlockingQueue<SignalInfo> got = new LinkedBlockingQueue<>();
    private final CountDownLatch laneHeld = new CountDownLatch(1);
    private final CountDownLatch releaseLane = new CountDownLatch(1);
    private final CountDownLatch laneDrained = new CountDownLatch(1);

    @BeforeEach
    void start() {
        mechanism = new SignalMechanism(IpcLimits.defaults(), p -> { },
                SignalSettings.defaults().withHandlerBudget(Duration.ofMinutes(1)), OsSignalSource.NONE);
        alice = bundle(1, "alice");
        a = mechanism.bind(alice);
        a.register(Signal.USR1, i -> {
            laneHeld.countDown();
            try {
                releaseLane.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        a.register(Signal.USR2, i -> laneDrained.countDown());
    }

    @AfterEach
    void stop() {
        releaseLane.countDown();
        mechanism.close();
    }

    @Test
    void realTimeSignalsOfOneNumberKeepTheirOrderWhenBlockedOnTheWay() throws Exception {
        Signal rt = Signal.RTMIN;
        a.register(rt, got::add);

        sendFirstWhileLaneBusyThenBlockAndSendSecond(rt);

        assertThat(a.pending()).extracting(SignalInfo::value).containsExactly(1L, 2L);
        a.unblock(Set.of(rt));
        assertThat(List.of(next(got), next(got))).extracting(SignalInfo::value).containsExactly(1L, 2L);
    }

    @Test
    void aCoalescedStandardSignalKeepsTheFirstValueWhenBlockedOnTheWay() throws Exception {
        a.register(Signal.HUP, got::add);

        sendFirstWhileLaneBusyThenBlockAndSendSecond(Signal.HUP);

        assertThat(a.pending()).extracting(SignalInfo::value).containsExactly(1L);
        a.unblock(Set.of(Signal.HUP));
        assertThat(next(got).value()).isEqualTo(1L);
        CountDownLatch marker = new CountDownLatch(1);
        a.register(Signal.WINCH, i -> marker.countDown());
        a.send(alice.process(), Signal.WINCH); // behind any second HUP on the lane
        assertThat(marker.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(got).as("a second HUP delivered").isEmpty();
    }

    /** Value 1 waits on the lane; the signal is blocked; value 2 arrives blocked; then the lane runs. */
    private void sendFirstWhileLaneBusyThenBlockAndSendSecond(Signal signal) throws InterruptedException {
        a.send(alice.process(), Signal.USR1);
        assertThat(laneHeld.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        a.send(alice.process(), signal, 1);
        a.block(Set.of(signal));
        a.send(alice.process(), signal, 2);
        a.send(alice.process(), Signal.USR2);
        releaseLane.countDown();
        assertThat(laneDrained.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("the lane ran past the first signal").isTrue();
    }
}
