package org.multios.ipc.console.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent past of every object's statistics, for the Web Console's charts and {@code ipc:top}:
 * every {@value #INTERVAL_MILLIS} ms, while someone looks, one thread of this component (named
 * {@value #THREAD}) takes the snapshots {@link IpcRuntime#objects()} gives (counters the objects
 * keep; no message path is touched) and keeps the last {@value #POINTS} of each of at most
 * {@value #MAX_OBJECTS} objects, the first by kind and name. Sampling starts at the first read and
 * stops after {@value #IDLE_MILLIS} ms without one, so an unwatched gateway pays nothing.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = ObjectHistory.class)
public final class ObjectHistory {
    /** Milliseconds between samples. */
    public static final long INTERVAL_MILLIS = 2_000;
    /** Samples kept per object. */
    public static final int POINTS = 150;
    static final int MAX_OBJECTS = 256;
    static final long IDLE_MILLIS = 10 * 60_000;
    static final String THREAD = "ipc-console-history";
    private static final Logger LOG = LoggerFactory.getLogger(ObjectHistory.class);

    /** The rates of one object over the last interval. */
    public record Rate(String type, String name, double messagesPerSecond, double bytesPerSecond, long depth) {
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile IpcRuntime runtime;

    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private final Map<String, Track> tracks = new LinkedHashMap<>(); // guarded by this
    private ScheduledFuture<?> sampling; // guarded by this
    private long lastReadMillis; // guarded by this
    private long samples; // guarded by this

    /** The component: wall-clock time, its own sampling thread. */
    @Activate
    public ObjectHistory() {
        this(System::currentTimeMillis, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        }));
    }

    ObjectHistory(LongSupplier clock, ScheduledExecutorService timer) {
        this.clock = clock;
        this.timer = timer;
    }

    @Deactivate
    void stop() {
        timer.shutdownNow();
    }

    /** Every object tracked, in kind and name order; starts sampling if it was stopped. */
    public synchronized List<Series> series() {
        watched();
        List<Series> all = new ArrayList<>();
        tracks.values().forEach(t -> all.add(Series.of(t)));
        return all;
    }

    /**
     * The busiest objects of the last interval, most messages per second first (then bytes);
     * objects that did nothing are left out. Waits up to two intervals for a first interval if
     * sampling was stopped.
     */
    public List<Rate> busiest(int limit) throws InterruptedException {
        long until = clock.getAsLong() + 2 * INTERVAL_MILLIS + 500;
        synchronized (this) {
            watched();
            while (samples < 2 && clock.getAsLong() < until) {
                wait(INTERVAL_MILLIS);
            }
            List<Rate> rates = new ArrayList<>();
            for (Track t : tracks.values()) {
                int n = t.size();
                if (n >= 2) {
                    double messages = t.rate(n - 1, Track.Field.MESSAGES_IN) + t.rate(n - 1, Track.Field.MESSAGES_OUT);
                    double bytes = t.rate(n - 1, Track.Field.BYTES_IN) + t.rate(n - 1, Track.Field.BYTES_OUT);
                    if (messages > 0 || bytes > 0) {
                        rates.add(new Rate(t.type.label(), t.name, messages, bytes, t.get(n - 1, Track.Field.DEPTH)));
                    }
                }
            }
            rates.sort(Comparator.comparingDouble(Rate::messagesPerSecond).thenComparingDouble(Rate::bytesPerSecond)
                    .reversed());
            return rates.subList(0, Math.min(limit, rates.size()));
        }
    }

    private void watched() {
        lastReadMillis = clock.getAsLong();
        if (sampling == null && !timer.isShutdown()) {
            samples = 0;
            tracks.clear();
            sampling = timer.scheduleWithFixedDelay(this::sampleNow, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void sampleNow() {
        IpcRuntime rt = runtime;
        try {
            sample(rt == null ? List.of() : rt.objects());
        } catch (IpcException | IllegalStateException e) {
            LOG.debug("no sample: {}", e.getMessage()); // the policy or the runtime went away meanwhile
        }
    }

    /** Adds one sample of these snapshots; objects gone are dropped. Stops sampling when nobody looked for long. */
    synchronized void sample(List<ObjectInfo> objects) {
        long now = clock.getAsLong();
        Set<String> seen = new HashSet<>();
        List<ObjectInfo> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(ObjectInfo::type).thenComparing(ObjectInfo::displayName));
        Map<String, Track> next = new LinkedHashMap<>();
        for (ObjectInfo o : sorted) {
            String key = o.type().label() + "/" + o.displayName();
            if (next.size() >= MAX_OBJECTS || !seen.add(key)) {
                continue;
            }
            Track t = tracks.get(key);
            if (t == null) {
                t = new Track(o.type(), o.displayName(), POINTS);
            }
            t.add(now, o);
            next.put(key, t);
        }
        tracks.clear();
        tracks.putAll(next);
        samples++;
        notifyAll();
        if (now - lastReadMillis > IDLE_MILLIS && sampling != null) {
            sampling.cancel(false);
            sampling = null;
        }
    }
}
