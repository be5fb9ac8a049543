package org.multios.ipc.console.jmx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.multios.ipc.Counter;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a set of MBeans in an MBean server in step with the live IPC objects: one
 * {@link MechanismStatisticsMBean} per kind of object, always, and one
 * {@link ObjectStatisticsMBean} per live object (see {@link IpcObjectNames}).
 * {@link #reconcile()} registers the MBeans of new objects and unregisters those of objects that
 * are gone; {@link #close()} unregisters every MBean this exporter registered. Only MBeans this
 * exporter registered are ever unregistered.
 *
 * <p>Attribute reads use a snapshot of the objects that is refreshed on demand once it is older
 * than the maximum age, so that reading every attribute of every MBean costs one query of the
 * platform per maximum age. Thread-safe.
 */
public final class IpcMBeanExporter implements AutoCloseable {
    /** How old, at most, the values an MBean shows are by default. */
    public static final long DEFAULT_MAX_AGE_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(IpcMBeanExporter.class);

    private final Supplier<? extends List<ObjectInfo>> source;
    private final MBeanServer server;
    private final long maxAgeNanos;
    private final Object fetchLock = new Object();
    private volatile Snapshot snapshot;

    // guarded by this
    private final Map<ObjectName, Object> registered = new HashMap<>();
    private final Set<ObjectName> refused = new HashSet<>();
    private boolean closed;
    private boolean sourceFailing;

    /**
     * @param source        the live objects now, for example {@code runtime::objects}
     * @param server        where the MBeans are registered
     * @param maxAgeMillis  how old attribute values may be before a read asks the source again
     */
    public IpcMBeanExporter(Supplier<? extends List<ObjectInfo>> source, MBeanServer server, long maxAgeMillis) {
        this.source = source;
        this.server = server;
        this.maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxAgeMillis));
        this.snapshot = new Snapshot(List.of(), System.nanoTime() - maxAgeNanos - 1);
    }

    /**
     * Asks the source for the live objects and registers and unregisters MBeans to match. If
     * the source fails, the registered MBeans stay as they are.
     *
     * @return whether the source answered
     */
    public boolean reconcile() {
        Snapshot now;
        synchronized (fetchLock) {
            try {
                now = fetch();
            } catch (RuntimeException e) {
                sourceFailed(e);
                return false;
            }
        }
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (sourceFailing) {
                sourceFailing = false;
                LOG.info("the IPC objects can be listed again; JMX view up to date");
            }
            Map<ObjectName, ObjectType> mechanisms = new LinkedHashMap<>();
            for (ObjectType type : ObjectType.values()) {
                mechanisms.put(IpcObjectNames.mechanism(type), type);
            }
            for (Iterator<Map.Entry<ObjectName, Object>> it = registered.entrySet().iterator(); it.hasNext();) {
                ObjectName name = it.next().getKey();
                if (!mechanisms.containsKey(name) && !now.byName.containsKey(name)) {
                    unregister(name);
                    it.remove();
                }
            }
            refused.retainAll(now.byName.keySet());
            mechanisms.forEach((name, type) -> registerIfAbsent(name, () -> new MechanismStatistics(type, this)));
            now.byName.forEach((name, info) -> registerIfAbsent(name, () -> new ObjectStatistics(name, info, this)));
            return true;
        }
    }

    /** The names of the MBeans this exporter has registered now. */
    public synchronized Set<ObjectName> registeredNames() {
        return Set.copyOf(registered.keySet());
    }

    /**
     * Unregisters every MBean this exporter registered; later calls of {@link #reconcile()} do
     * nothing.
     */
    @Override
    public synchronized void close() {
        closed = true;
        for (ObjectName name : registered.keySet()) {
            unregister(name);
        }
        registered.clear();
    }

    // ------------------------------------------------------------------ for the MBeans

    /** The objects as of at most the maximum age ago, or the last known ones if the source fails. */
    Snapshot current() {
        Snapshot s = snapshot;
        if (fresh(s)) {
            return s;
        }
        synchronized (fetchLock) {
            s = snapshot;
            if (fresh(s)) {
                return s;
            }
            try {
                return fetch();
            } catch (RuntimeException e) {
                LOG.debug("cannot list the IPC objects; showing the last known values", e);
                return s;
            }
        }
    }

    private boolean fresh(Snapshot s) {
        return System.nanoTime() - s.takenNanos <= maxAgeNanos;
    }

    // guarded by fetchLock
    private Snapshot fetch() {
        long taken = System.nanoTime();
        Snapshot s = new Snapshot(source.get(), taken);
        snapshot = s;
        return s;
    }

    private synchronized void sourceFailed(RuntimeException e) {
        if (!sourceFailing && !closed) {
            sourceFailing = true;
            LOG.warn("cannot list the IPC objects; the JMX view keeps its MBeans until it can", e);
        } else {
            LOG.debug("cannot list the IPC objects", e);
        }
    }

    // guarded by this
    private void registerIfAbsent(ObjectName name, Supplier<Object> mbean) {
        if (registered.containsKey(name)) {
            return;
        }
        Object bean = mbean.get();
        try {
            server.registerMBean(bean, name);
            registered.put(name, bean);
            refused.remove(name);
        } catch (JMException | RuntimeException e) {
            if (refused.add(name)) {
                LOG.warn("cannot register the MBean {}; trying again at the next refresh", name, e);
            }
        }
    }

    // guarded by this
    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // unregistered by someone else
        } catch (JMException | RuntimeException e) {
            LOG.warn("cannot unregister the MBean {}", name, e);
        }
    }

    /** The live objects at one moment, by MBean name, with the totals of every kind. */
    static final class Snapshot {
        final long takenNanos;
        final Map<ObjectName, ObjectInfo> byName;
        private final Map<ObjectType, long[]> totals = new EnumMap<>(ObjectType.class);
        private final Map<ObjectType, Long> counts = new EnumMap<>(ObjectType.class);

        Snapshot(List<ObjectInfo> objects, long takenNanos) {
            this.takenNanos = takenNanos;
            Map<ObjectName, ObjectInfo> m = new LinkedHashMap<>();
            for (ObjectInfo o : new ArrayList<>(objects)) {
                m.put(IpcObjectNames.object(o), o);
                long[] sum = totals.computeIfAbsent(o.type(), t -> new long[Counter.values().length]);
                for (Counter c : Counter.values()) {
                    sum[c.ordinal()] += o.statistics().get(c);
                }
                counts.merge(o.type(), 1L, Long::sum);
            }
            this.byName = Collections.unmodifiableMap(m);
        }

        long count(ObjectType type) {
            return counts.getOrDefault(type, 0L);
        }

        long total(ObjectType type, Counter counter) {
            long[] sum = totals.get(type);
            return sum == null ? 0 : sum[counter.ordinal()];
        }
    }
}
