package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.event.SignalledEvent;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.LocalPlatform;

/**
 * Issue #21 item 3 and the event part of item 5: each window of an auto-reset event's signal,
 * take and give-back, with a thread paused inside it by a hook on its handle. Each signal is
 * taken at most once, a waiter gets the latest datum, a give-back never hides a newer signal
 * nor undoes a reset, and a waiter that leaves with another event passes its wake-up on.
 */
@Timeout(60)
class EventWindowTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path root;

    private IpcContext ipc;
    private EventService events;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        ipc = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()), List.of(new SyncFactories.Events()));
        events = ipc.service(EventService.class);
    }

    @AfterEach
    void close() {
        ipc.close();
        threads.shutdownNow();
    }

    private EventHandle auto(String name) {
        return (EventHandle) events.create(name, EventType.AUTO_RESET, Set.of(), 0600);
    }

    private EventHandle open(String name) {
        return (EventHandle) events.open(name);
    }

    @Test
    void aTakerPausedBetweenReadingAndTakingDoesNotTakeASignalTwice() throws Exception {
        EventHandle signaller = auto("dup");
        EventHandle slow = open("dup");
        EventHandle fast = open("dup");
        signaller.signal(1);
        Pause p = Pause.at(slow, EventHandle.STEP_DATA_READ);
        Future<Long> slowTake = threads.submit(() -> slow.tryAwait().orElse(-1));
        p.awaitArrival(); // it read the event signalled with datum 1
        assertThat(fast.tryAwait()).hasValue(1);
        signaller.signal(2);
        p.release();
        assertThat(slowTake.get(20, TimeUnit.SECONDS)).as("the paused taker gets the newer signal, not 1 again")
                .isEqualTo(2);
        assertThat(fast.tryAwait()).isEmpty();
    }

    @Test
    void aSignallerPausedBetweenItsDataAndItsStateDoesNotHandOverItsDatumEarlyOrTwice() throws Exception {
        EventHandle first = auto("early");
        EventHandle second = open("early");
        EventHandle taker = open("early");
        first.signal(1);
        Pause p = Pause.at(second, EventHandle.STEP_DATA_WRITTEN);
        Future<?> slowSignal = threads.submit(() -> second.signal(2));
        p.awaitArrival(); // datum 2 written, not published
        assertThat(taker.tryAwait()).as("the published signal, with its own datum").hasValue(1);
        p.release();
        slowSignal.get(20, TimeUnit.SECONDS);
        assertThat(taker.tryAwait()).hasValue(2);
        assertThat(taker.tryAwait()).isEmpty();
    }

    @Test
    void aSignallerPausedBeforeItsDataDoesNotOverwriteTheRecordOfALaterSignal() throws Exception {
        EventHandle slow = auto("late");
        EventHandle others = open("late");
        EventHandle taker = open("late");
        Pause p = Pause.at(slow, EventHandle.STEP_TICKET_DRAWN);
        Future<?> slowSignal = threads.submit(() -> slow.signal(1));
        p.awaitArrival(); // ticket 1 drawn, nothing written
        for (long datum = 2; datum <= 17; datum++) {
            others.signal(datum); // ticket 17 uses the record of ticket 1 again (16 records)
        }
        p.release();
        slowSignal.get(20, TimeUnit.SECONDS);
        assertThat(taker.isSignalled()).isTrue();
        assertThat(taker.tryAwait()).as("the latest published signal, with its own datum").hasValue(17);
        assertThat(taker.tryAwait()).isEmpty();
        assertThat(taker.isSignalled()).isFalse();
    }

    @Test
    void aWaitForAllThatGivesBackDoesNotHideANewerSignal() throws Exception {
        EventHandle a = auto("all-a");
        EventHandle b = auto("all-b");
        EventHandle aWaiter = open("all-a");
        a.signal(1);
        Pause p = Pause.at(aWaiter, EventHandle.STEP_TAKEN);
        Future<?> all = threads.submit(() -> events.tryWaitAll(List.of(aWaiter, b)));
        p.awaitArrival(); // took a (datum 1); b is not signalled, so it will give a back
        a.signal(2);
        p.release();
        assertThat(all.get(20, TimeUnit.SECONDS)).isEqualTo(java.util.Optional.empty());
        assertThat(a.tryAwait()).as("the newer datum stays, not the one given back").hasValue(2);
        assertThat(a.tryAwait()).isEmpty();
    }

    @Test
    void aWaitForAllThatGivesBackDoesNotUndoAReset() throws Exception {
        EventHandle a = auto("reset-a");
        EventHandle b = auto("reset-b");
        EventHandle aWaiter = open("reset-a");
        a.signal(1);
        Pause p = Pause.at(aWaiter, EventHandle.STEP_TAKEN);
        Future<?> all = threads.submit(() -> events.tryWaitAll(List.of(aWaiter, b)));
        p.awaitArrival();
        a.reset();
        p.release();
        all.get(20, TimeUnit.SECONDS);
        assertThat(a.isSignalled()).as("reset while the wait for all held it").isFalse();
        assertThat(a.tryAwait()).isEmpty();
    }

    @Test
    void aWaitForAnyWokenByOneEventThatTakesAnotherPassesTheWakeUpOn() throws Exception {
        EventHandle first = auto("any-1");
        EventHandle second = auto("any-2");
        EventHandle anyFirst = open("any-1");
        EventHandle anySecond = open("any-2");
        EventHandle plain = open("any-2");
        for (EventHandle h : List.of(anyFirst, anySecond, plain)) {
            h.sliceNanos(HOUR); // a lost wake-up hangs the waiter instead of costing one slice
        }
        Pause woken = Pause.at(anyFirst, EventHandle.STEP_WOKEN);
        CompletableFuture<SignalledEvent> any = new CompletableFuture<>();
        Thread anyWaiter = new Thread(() -> complete(any, () -> events.waitAny(List.of(anyFirst, anySecond))),
                "ev-wait-any");
        anyWaiter.start();
        KernelSleep.awaitAsleep(anyWaiter, 0);
        CompletableFuture<Long> single = new CompletableFuture<>();
        Thread plainWaiter = new Thread(() -> complete(single, plain::await), "ev-wait-plain");
        plainWaiter.start();
        KernelSleep.awaitAsleep(plainWaiter, plain.region.address(SyncDescriptor.STATE));

        second.signal(22); // wakes one sleeper of event 2: the first in line, the wait for any
        woken.awaitArrival();
        first.signal(11); // which then takes event 1
        woken.release();
        assertThat(any.get(20, TimeUnit.SECONDS)).isEqualTo(new SignalledEvent(0, 11));
        assertThat(single.get(20, TimeUnit.SECONDS)).as("the plain waiter got event 2's wake-up passed on")
                .isEqualTo(22);
    }

    private static <T> void complete(CompletableFuture<T> f, java.util.concurrent.Callable<T> call) {
        try {
            f.complete(call.call());
        } catch (Throwable t) {
            f.completeExceptionally(t);
        }
    }
}
