package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.event.SignalledEvent;
import org.multios.ipc.spi.BlockedCalls;

class EventTest extends SyncTestSupport {
    private EventService events() {
        return context().service(EventService.class);
    }

    @Test
    @Timeout(10)
    void anAutoResetEventReleasesOneWaiterWithItsData() throws Exception {
        EventService es = events();
        Event e = es.create("ready", EventType.AUTO_RESET, Set.of(), 0600);
        Event other = events().open("ready");
        CompletableFuture<Long> waiter = new CompletableFuture<>();
        BlockedCalls.start("event-auto-await", waiter, () -> other.await(Duration.ofSeconds(8)));
        awaitWaits(e, 1); // the signal finds it waiting, not an event already signalled
        e.signal(42);
        assertThat(waiter.get(9, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(e.isSignalled()).isFalse();
        assertThat(e.tryAwait()).isEmpty();
    }

    @Test
    @Timeout(10)
    void aManualResetEventStaysSignalledUntilReset() {
        Event e = events().create(EventType.MANUAL_RESET, Set.of(EventFlag.INITIALLY_SIGNALLED));
        assertThat(e.await(Duration.ofSeconds(1))).isZero();
        assertThat(e.tryAwait()).isPresent();
        e.reset();
        assertThatThrownBy(() -> e.await(Duration.ofMillis(30))).isInstanceOfSatisfying(IpcException.class,
                ex -> assertThat(ex.error()).isEqualTo(IpcError.TIMEOUT));
        assertThatThrownBy(() -> e.await(Duration.ofMillis(30))).hasMessageStartingWith("TIMEOUT: wait on anonymous event #")
                .hasMessageEndingWith(" timed out");
    }

    @Test
    @Timeout(10)
    void waitAnyReturnsTheSignalledOneAndWaitAllNeedsEvery() throws Exception {
        EventService es = events();
        Event a = es.create(EventType.AUTO_RESET, Set.of());
        Event b = es.create(EventType.AUTO_RESET, Set.of());
        CompletableFuture<SignalledEvent> any = CompletableFuture.supplyAsync(
                () -> es.waitAny(List.of(a, b), Duration.ofSeconds(8)));
        b.signal(7);
        assertThat(any.get(9, TimeUnit.SECONDS)).isEqualTo(new SignalledEvent(1, 7));

        a.signal(1);
        assertThat(es.tryWaitAll(List.of(a, b))).isEmpty();
        assertThat(a.isSignalled()).as("a failed wait for all gives taken events back").isTrue();
        b.signal(2);
        assertThat(es.waitAll(List.of(a, b), Duration.ofSeconds(1))).containsExactly(1, 2);
    }
}
