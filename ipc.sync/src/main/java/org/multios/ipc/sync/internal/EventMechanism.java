package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.event.SignalledEvent;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * Event objects, plain Java: named ones are pages under {@code <root>/event}. A wait on several
 * events sleeps in the kernel on all of their words at once.
 */
public final class EventMechanism extends SyncMechanismBase<EventService> {

    /** A mechanism working in the given environment. */
    public EventMechanism(IpcEnvironment environment) {
        super(EventService.class, environment, EnumSet.of(ObjectType.EVENT));
    }

    @Override
    long capacity(ObjectType type, MappedRegion region) {
        return 0;
    }

    @Override
    protected EventService service(SyncSession session) {
        return new Service(session);
    }

    private static void init(MappedRegion r, EventType type, Set<EventFlag> flags) {
        if (type == null) {
            throw IpcException.invalidArgument("event type must be given");
        }
        r.putInt(WORD2, type == EventType.AUTO_RESET ? 0 : 1);
        r.putInt(STATE, flags != null && flags.contains(EventFlag.INITIALLY_SIGNALLED) ? 1 : 0);
    }

    private static void sameType(MappedRegion existing, String what, EventType asked) {
        EventType type = existing.getIntVolatile(WORD2) == 0 ? EventType.AUTO_RESET : EventType.MANUAL_RESET;
        if (type != asked) {
            throw CreateRule.mismatch(what, "type", type, asked);
        }
    }

    private final class Service extends CallerService implements EventService {
        Service(SyncSession session) {
            super(session, session.gate());
        }

        @Override
        public Event create(EventType type, Set<EventFlag> flags) {
            return call(() -> {
                SyncStore.Attached a = store.createAnonymous(session.caller(), ObjectType.EVENT, r -> init(r, type, flags));
                return session.track(new EventHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Event create(String name, EventType type, Set<EventFlag> flags, Permissions permissions) {
            if (type == null) {
                throw IpcException.invalidArgument("event '" + name + "': type must be given");
            }
            return call(() -> {
                SyncStore.Attached a = store.openOrCreate(session.caller(), ObjectType.EVENT, name, permissions,
                        flags != null && flags.contains(EventFlag.EXCLUSIVE), Rights.READ,
                        (existing, what) -> sameType(existing, what, type), r -> init(r, type, flags));
                return session.track(new EventHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Event create(String name, EventType type, Set<EventFlag> flags, int mode) {
            return create(name, type, flags, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public Event open(String name) {
            return call(() -> {
                SyncStore.Attached a = store.open(session.caller(), ObjectType.EVENT, name, Rights.READ);
                return session.track(new EventHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public void unlink(String name) {
            run(() -> store.unlink(session.caller(), ObjectType.EVENT, name));
        }

        @Override
        public SignalledEvent waitAny(List<Event> events) {
            return waitAny(events, SyncHandle.NO_DEADLINE).orElseThrow();
        }

        @Override
        public Optional<SignalledEvent> tryWaitAny(List<Event> events) {
            List<EventHandle> handles = handles(events);
            return onEach(handles, () -> takeAny(handles));
        }

        private Optional<SignalledEvent> takeAny(List<EventHandle> handles) {
            for (int i = 0; i < handles.size(); i++) {
                EventHandle.Taken t = handles.get(i).take();
                if (t != null) {
                    return Optional.of(new SignalledEvent(i, t.data()));
                }
            }
            return Optional.empty();
        }

        @Override
        public SignalledEvent waitAny(List<Event> events, Duration timeout) {
            return waitAny(events, SyncHandle.deadline(timeout, "wait for any event")).orElseThrow(
                    () -> IpcException.timeout("wait for any", events.size() + " events"));
        }

        /**
         * Takes the first signalled event, sleeping on all of them between tries. Whoever leaves,
         * with an event or without, passes the wake-ups of the others on: the one it got from
         * another event may have been that event's only one.
         */
        private Optional<SignalledEvent> waitAny(List<Event> events, long deadline) {
            List<EventHandle> handles = handles(events);
            return onEach(handles, () -> takeAnyWaiting(handles, deadline));
        }

        private Optional<SignalledEvent> takeAnyWaiting(List<EventHandle> handles, long deadline) {
            Optional<SignalledEvent> got = Optional.empty();
            try {
                got = idle(handles, deadline, () -> takeAny(handles));
                if (got.isPresent()) {
                    return got;
                }
                while (true) {
                    int[] seen = states(handles);
                    got = takeAny(handles);
                    if (got.isPresent()) {
                        return got;
                    }
                    if (!EventHandle.sleepOnAny(handles, seen, deadline)) {
                        got = takeAny(handles);
                        return got;
                    }
                }
            } finally {
                for (int i = 0; i < handles.size(); i++) {
                    if (got.isEmpty() || got.get().index() != i) {
                        handles.get(i).passOn();
                    }
                }
            }
        }

        @Override
        public long[] waitAll(List<Event> events) {
            return waitAll(events, SyncHandle.NO_DEADLINE).orElseThrow();
        }

        @Override
        public Optional<long[]> tryWaitAll(List<Event> events) {
            List<EventHandle> handles = handles(events);
            return onEach(handles, () -> takeAll(handles));
        }

        /** Takes every event or none: the ones taken before one that is not signalled are given back. */
        private Optional<long[]> takeAll(List<EventHandle> handles) {
            EventHandle.Taken[] taken = new EventHandle.Taken[handles.size()];
            for (int i = 0; i < handles.size(); i++) {
                taken[i] = handles.get(i).take();
                if (taken[i] == null) {
                    for (int t = 0; t < i; t++) {
                        handles.get(t).untake(taken[t]);
                    }
                    return Optional.empty();
                }
            }
            long[] data = new long[taken.length];
            for (int i = 0; i < taken.length; i++) {
                data[i] = taken[i].data();
            }
            return Optional.of(data);
        }

        @Override
        public long[] waitAll(List<Event> events, Duration timeout) {
            return waitAll(events, SyncHandle.deadline(timeout, "wait for all events")).orElseThrow(
                    () -> IpcException.timeout("wait for all", events.size() + " events"));
        }

        private Optional<long[]> waitAll(List<Event> events, long deadline) {
            List<EventHandle> handles = handles(events);
            return onEach(handles, () -> takeAllWaiting(handles, deadline));
        }

        private Optional<long[]> takeAllWaiting(List<EventHandle> handles, long deadline) {
            boolean took = false;
            try {
                Optional<long[]> spun = idle(handles, deadline, () -> takeAll(handles));
                if (spun.isPresent()) {
                    took = true;
                    return spun;
                }
                while (true) {
                    int[] seen = states(handles);
                    Optional<long[]> got = takeAll(handles);
                    if (got.isPresent()) {
                        took = true;
                        return got;
                    }
                    // sleeps on the ones missing only: one there that a waiter for all takes and
                    // gives back must not wake another waiter for all, which would do the same
                    List<EventHandle> missing = new ArrayList<>();
                    List<Integer> states = new ArrayList<>();
                    for (int i = 0; i < seen.length; i++) {
                        if ((seen[i] & EVENT_SIGNALLED) == 0) {
                            missing.add(handles.get(i));
                            states.add(seen[i]);
                        }
                    }
                    boolean awake = missing.isEmpty() ? EventHandle.sleepOnAny(handles, seen, deadline)
                            : EventHandle.sleepOnAny(missing, states.stream().mapToInt(Integer::intValue).toArray(),
                                    deadline);
                    if (!awake) {
                        got = takeAll(handles);
                        took = got.isPresent();
                        return got;
                    }
                }
            } finally {
                if (!took) {
                    handles.forEach(EventHandle::passOn);
                }
            }
        }

        /**
         * The unannounced phase of a wait for several events: tries at every pass while the first
         * event's handle's wait strategy idles, checking every handle.
         *
         * @return what a try took, or empty once the budget is spent (or the deadline passed)
         */
        private static <T> Optional<T> idle(List<EventHandle> handles, long deadline,
                Supplier<Optional<T>> attempt) {
            EventHandle first = handles.get(0);
            WaitStrategy strategy = first.waitStrategy();
            long start = System.nanoTime();
            for (int pass = 0; first.idle(strategy, pass, start, deadline, "wait on"); pass++) {
                for (EventHandle h : handles) {
                    h.recheck("wait on");
                }
                Optional<T> got = attempt.get();
                if (got.isPresent()) {
                    first.spinPaidOff(strategy);
                    return got;
                }
            }
            return Optional.empty();
        }

        /**
         * Runs an operation on several events under the rule of each one's mapping: a fault of one
         * event's page (its file truncated; delivered late, here at the latest) closes that event's
         * handle and fails the operation with its CORRUPTED; the other handles stay open.
         */
        private static <T> T onEach(List<EventHandle> handles, Supplier<T> operation) {
            handles.forEach(h -> h.require(Rights.READ, "wait on"));
            try {
                return MappedFault.passed(operation.get());
            } catch (Error e) {
                for (EventHandle h : handles) {
                    IpcException c = h.ownFault(e);
                    if (c != null) {
                        throw c;
                    }
                }
                throw e;
            }
        }

        private static int[] states(List<EventHandle> handles) {
            int[] states = new int[handles.size()];
            for (int i = 0; i < states.length; i++) {
                states[i] = handles.get(i).state();
            }
            return states;
        }

        private List<EventHandle> handles(List<Event> events) {
            if (events == null || events.isEmpty() || events.size() > MAX_WAIT_EVENTS) {
                throw IpcException.invalidArgument("a wait takes 1 to " + MAX_WAIT_EVENTS + " events, not "
                        + (events == null ? "null" : events.size()));
            }
            List<EventHandle> handles = new ArrayList<>(events.size());
            for (Event e : events) {
                if (!(e instanceof EventHandle h)) {
                    throw IpcException.invalidArgument("events must come from this platform");
                }
                handles.add(h);
            }
            return handles;
        }
    }
}
