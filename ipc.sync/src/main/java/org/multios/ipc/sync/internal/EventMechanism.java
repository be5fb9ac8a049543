package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.event.SignalledEvent;
import org.multios.ipc.shm.mapped.MappedRegion;

/**
 * Event objects, plain Java: named ones are pages under {@code <root>/event}. A wait on several
 * events sleeps in the kernel on all of their words at once.
 */
public final class EventMechanism extends SyncMechanismBase<EventService> {

    /** A mechanism working in the given environment. */
    public EventMechanism(IpcEnvironment environment) {
        super(environment, EnumSet.of(ObjectType.EVENT));
    }

    @Override
    public Class<EventService> apiType() {
        return EventService.class;
    }

    @Override
    long capacity(ObjectType type, MappedRegion region) {
        return 0;
    }

    @Override
    EventService service(SyncSession session) {
        return new Service(session);
    }

    private static void init(MappedRegion r, EventType type, Set<EventFlag> flags) {
        if (type == null) {
            throw IpcException.invalidArgument("event type must be given");
        }
        r.putInt(WORD2, type == EventType.AUTO_RESET ? 0 : 1);
        r.putInt(STATE, flags != null && flags.contains(EventFlag.INITIALLY_SIGNALLED) ? 1 : 0);
    }

    private final class Service implements EventService {
        private final SyncSession session;

        Service(SyncSession session) {
            this.session = session;
        }

        @Override
        public Event create(EventType type, Set<EventFlag> flags) {
            checkOpen();
            session.checkOpen();
            SyncStore.Attached a = store.createAnonymous(session.caller(), ObjectType.EVENT, r -> init(r, type, flags));
            return session.track(new EventHandle(session, a.object(), a.grant()));
        }

        @Override
        public Event create(String name, EventType type, Set<EventFlag> flags, Permissions permissions) {
            checkOpen();
            session.checkOpen();
            SyncStore.Attached a = store.create(session.caller(), ObjectType.EVENT, name, permissions,
                    r -> init(r, type, flags));
            session.created(a.object().id());
            return session.track(new EventHandle(session, a.object(), a.grant()));
        }

        @Override
        public Event create(String name, EventType type, Set<EventFlag> flags, int mode) {
            return create(name, type, flags, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public Event open(String name) {
            checkOpen();
            session.checkOpen();
            SyncStore.Attached a = store.open(session.caller(), ObjectType.EVENT, name, Rights.READ);
            return session.track(new EventHandle(session, a.object(), a.grant()));
        }

        @Override
        public void unlink(String name) {
            checkOpen();
            session.checkOpen();
            unlinked(store.unlink(session.caller(), ObjectType.EVENT, name));
        }

        @Override
        public SignalledEvent waitAny(List<Event> events) {
            return waitAny(events, SyncHandle.NO_DEADLINE).orElseThrow();
        }

        @Override
        public Optional<SignalledEvent> tryWaitAny(List<Event> events) {
            List<EventHandle> handles = handles(events);
            for (int i = 0; i < handles.size(); i++) {
                OptionalLong d = handles.get(i).tryAwait();
                if (d.isPresent()) {
                    return Optional.of(new SignalledEvent(i, d.getAsLong()));
                }
            }
            return Optional.empty();
        }

        @Override
        public SignalledEvent waitAny(List<Event> events, Duration timeout) {
            return waitAny(events, SyncHandle.deadline(timeout, "wait for any event")).orElseThrow(
                    () -> IpcException.timeout("wait for any", events.size() + " events"));
        }

        private Optional<SignalledEvent> waitAny(List<Event> events, long deadline) {
            List<EventHandle> handles = handles(events);
            while (true) {
                Optional<SignalledEvent> got = tryWaitAny(events);
                if (got.isPresent()) {
                    return got;
                }
                if (!EventHandle.sleepOnAny(handles, deadline)) {
                    return tryWaitAny(events);
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
            long[] data = new long[handles.size()];
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
                OptionalLong d = handles.get(i).tryAwait();
                if (d.isEmpty()) {
                    for (int t : taken) {
                        handles.get(t).untake(data[t]);
                    }
                    return Optional.empty();
                }
                data[i] = d.getAsLong();
                taken.add(i);
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
            while (true) {
                Optional<long[]> got = tryWaitAll(events);
                if (got.isPresent()) {
                    return got;
                }
                List<EventHandle> missing = handles.stream().filter(h -> !h.isSignalled()).toList();
                if (!EventHandle.sleepOnAny(missing.isEmpty() ? handles : missing, deadline)) {
                    return tryWaitAll(events);
                }
            }
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
