package org.multios.ipc.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;

/**
 * Event synchronization (the original {@code example_event_synchronization}): three workers
 * wait on a named manual-reset event, which releases all of them at once when it is signalled,
 * each seeing the value it was signalled with. An auto-reset event then shows the other kind:
 * each signal is taken by exactly one wait.
 */
public final class EventExample implements Example {
    static final int WAITERS = 3;
    static final long START_VALUE = 42;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "event";
    }

    @Override
    public String describe() {
        return "a manual-reset event releases every waiter; an auto-reset event one per signal";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        EventService events = services.events();
        String name = Names.unique("start");
        Event start = events.create(name, EventType.MANUAL_RESET, Set.of(), 0600);
        try (start; Background threads = new Background(name())) {
            List<Future<Long>> waiters = new ArrayList<>();
            for (int i = 1; i <= WAITERS; i++) {
                waiters.add(threads.start("waiter-" + i, () -> start.await(WAIT)));
            }
            out.println("event '" + name + "' (manual reset): " + WAITERS + " waiters started");

            start.signal(START_VALUE); // releases every waiter, now and later, until reset
            for (int i = 0; i < WAITERS; i++) {
                out.println("waiter " + (i + 1) + " released with value " + waiters.get(i).get(10, TimeUnit.SECONDS));
            }
            start.reset();
            out.println("after reset, signalled: " + start.isSignalled());
        } finally {
            events.unlink(name);
        }

        try (Event ticket = events.create(EventType.AUTO_RESET, Set.of())) {
            ticket.signal(7);
            OptionalLong first = ticket.tryAwait();
            OptionalLong second = ticket.tryAwait();
            out.println("auto reset: first wait got " + first.getAsLong() + ", second wait got "
                    + (second.isPresent() ? second.getAsLong() : "nothing"));
        }
    }
}
