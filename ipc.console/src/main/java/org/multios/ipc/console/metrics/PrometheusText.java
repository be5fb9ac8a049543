package org.multios.ipc.console.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.WaitTimes;

/**
 * The platform's statistics in the Prometheus text exposition format (version 0.0.4), which
 * OpenMetrics scrapers read too. Per kind of object, one family per {@link Counter}
 * ({@code ipc_queue_messages_sent_total{name="orders"}}; counters end in {@code _total}, depth
 * and handles are gauges) and a summary of wait times in seconds ({@code ipc_semaphore_wait_seconds});
 * per kind, the count of live objects; per process, its quota use; the limits in force.
 *
 * <p>Cardinality is bounded: at most {@code maxObjects} objects and as many processes are
 * exported, the first by kind and name (so a scrape after a scrape exports the same series);
 * {@code ipc_metrics_objects_omitted} says how many were left out. Nothing here touches an
 * object: it formats snapshots its caller already took.
 */
public final class PrometheusText {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999 };
    private static final double NANOS_PER_SECOND = 1e9;

    private PrometheusText() {
    }

    /**
     * The exposition of these snapshots.
     *
     * @param objects     every live object (any order)
     * @param quotaUse    each process's quota use
     * @param quotas      the per-process quotas in force (absent: no limit)
     * @param connections the platform's connection count
     * @param limits      the limits in force
     * @param maxObjects  the most objects, and the most processes, exported
     */
    public static String render(List<ObjectInfo> objects, Map<IpcProcess, Map<Quota, Long>> quotaUse,
            Map<Quota, Long> quotas, int connections, IpcLimits limits, int maxObjects) {
        StringBuilder out = new StringBuilder(4096);
        Map<ObjectType, Integer> live = new EnumMap<>(ObjectType.class);
        objects.forEach(o -> live.merge(o.type(), 1, Integer::sum));
        Set<String> seen = new HashSet<>();
        List<ObjectInfo> exported = objects.stream()
                .sorted(Comparator.comparing(ObjectInfo::type).thenComparing(ObjectInfo::displayName))
                .filter(o -> seen.add(o.type().label() + '/' + o.displayName())) // one series per name
                .limit(maxObjects).toList();

        family(out, "ipc_objects", "gauge", "Live objects per kind.");
        for (ObjectType t : ObjectType.values()) {
            sample(out, "ipc_objects", labels("kind", t.label()), live.getOrDefault(t, 0));
        }
        family(out, "ipc_metrics_objects_omitted", "gauge",
                "Live objects not exported here: more than the configured max.objects.");
        sample(out, "ipc_metrics_objects_omitted", "", objects.size() - exported.size());
        family(out, "ipc_connections", "gauge", "Handles held on objects of every mechanism, plus network connections.");
        sample(out, "ipc_connections", "", connections);

        for (ObjectType t : ObjectType.values()) {
            List<ObjectInfo> ofKind = exported.stream().filter(o -> o.type() == t).toList();
            if (!ofKind.isEmpty()) {
                counters(out, t, ofKind);
                waitTimes(out, t, ofKind);
            }
        }
        processes(out, quotaUse, maxObjects);
        family(out, "ipc_process_quota_limit", "gauge", "The per-process quotas in force (a quota not listed has none).");
        for (Map.Entry<Quota, Long> q : new TreeMap<>(quotas).entrySet()) {
            sample(out, "ipc_process_quota_limit", labels("quota", q.getKey().key()), q.getValue());
        }
        family(out, "ipc_limit", "gauge", "The platform limits in force.");
        for (Map.Entry<Limit, Long> l : limits.asMap().entrySet()) {
            sample(out, "ipc_limit", labels("limit", l.getKey().key()), l.getValue());
        }
        return out.toString();
    }

    /** The metric name of a counter of objects of a kind: {@code ipc_queue_messages_sent_total}. */
    static String metricName(ObjectType kind, Counter counter) {
        String base = "ipc_" + kind.label() + "_";
        return switch (counter) {
            case MESSAGES_IN -> base + "messages_sent_total";
            case MESSAGES_OUT -> base + "messages_received_total";
            case BYTES_IN -> base + "bytes_sent_total";
            case BYTES_OUT -> base + "bytes_received_total";
            case DEPTH -> base + "depth";
            case HIGH_WATER_MARK -> base + "depth_high_water_mark";
            case WAITS -> base + "waits_total";
            case TIMEOUTS -> base + "timeouts_total";
            case ERRORS -> base + "errors_total";
            case DENIALS -> base + "denials_total";
            case CONTENTION -> base + "contentions_total";
            case HANDLES -> base + "handles";
            case ATOMIC_OPERATIONS -> base + "atomic_operations_total";
        };
    }

    private static boolean isGauge(Counter c) {
        return c == Counter.DEPTH || c == Counter.HIGH_WATER_MARK || c == Counter.HANDLES;
    }

    private static void counters(StringBuilder out, ObjectType t, List<ObjectInfo> objects) {
        for (Counter c : Counter.values()) {
            String name = metricName(t, c);
            family(out, name, isGauge(c) ? "gauge" : "counter", help(t, c));
            for (ObjectInfo o : objects) {
                sample(out, name, labels("name", o.displayName()), o.statistics().get(c));
            }
        }
    }

    private static String help(ObjectType t, Counter c) {
        String what = c.name().toLowerCase().replace('_', ' ');
        return "Counter '" + what + "' of each " + t.label() + (isGauge(c) ? " (now)." : ".");
    }

    private static void waitTimes(StringBuilder out, ObjectType t, List<ObjectInfo> objects) {
        List<ObjectInfo> waited = new ArrayList<>();
        for (ObjectInfo o : objects) {
            if (o.statistics().waitTimes().count() > 0) {
                waited.add(o);
            }
        }
        if (waited.isEmpty()) {
            return;
        }
        String name = "ipc_" + t.label() + "_wait_seconds";
        family(out, name, "summary", "How long operations on each " + t.label() + " waited.");
        for (ObjectInfo o : waited) {
            WaitTimes w = o.statistics().waitTimes();
            long[] values = { w.p50(), w.p90(), w.p99(), w.p999() };
            for (int i = 0; i < QUANTILES.length; i++) {
                sample(out, name, labels("name", o.displayName(), "quantile", Double.toString(QUANTILES[i])),
                        values[i] / NANOS_PER_SECOND);
            }
            sample(out, name + "_count", labels("name", o.displayName()), w.count());
        }
    }

    private static void processes(StringBuilder out, Map<IpcProcess, Map<Quota, Long>> quotaUse, int max) {
        List<Map.Entry<IpcProcess, Map<Quota, Long>>> use = quotaUse.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getKey().id())).limit(max).toList();
        family(out, "ipc_process_quota_used", "gauge", "What each IPC process holds against each of its quotas.");
        for (Map.Entry<IpcProcess, Map<Quota, Long>> e : use) {
            IpcProcess p = e.getKey();
            for (Quota q : Quota.values()) {
                sample(out, "ipc_process_quota_used", labels("process", p.name(), "id", Long.toString(p.id()),
                        "quota", q.key()), e.getValue().getOrDefault(q, 0L));
            }
        }
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    /** {@code {k1="v1",k2="v2"}} with the values escaped as the format wants. */
    static String labels(String... keysAndValues) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(keysAndValues[i]).append("=\"");
            String v = keysAndValues[i + 1];
            for (int j = 0; j < v.length(); j++) {
                char ch = v.charAt(j);
                switch (ch) {
                    case '\\' -> s.append("\\\\");
                    case '"' -> s.append("\\\"");
                    case '\n' -> s.append("\\n");
                    default -> s.append(ch);
                }
            }
            s.append('"');
        }
        return s.append('}').toString();
    }
}
