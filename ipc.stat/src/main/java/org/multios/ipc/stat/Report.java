package org.multios.ipc.stat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.multios.ipc.Counter;
import org.multios.ipc.Statistics;

/**
 * A pass of {@link RootScan} as text: a table for people, or one JSON object per pass (JSON
 * Lines, when passes repeat) for programs. Given the previous pass and the seconds between
 * them, rates of messages in and out are added.
 */
final class Report {
    private static final Counter[] COLUMNS = { Counter.DEPTH, Counter.HIGH_WATER_MARK, Counter.MESSAGES_IN,
        Counter.MESSAGES_OUT, Counter.BYTES_IN, Counter.BYTES_OUT, Counter.WAITS, Counter.TIMEOUTS, Counter.HANDLES };
    private static final String[] HEADERS = { "DEPTH", "HWM", "IN", "OUT", "BYTES IN", "BYTES OUT", "WAITS",
        "TIMEOUTS", "HANDLES" };

    private Report() {
    }

    /** Messages in and out per second of each row that was in the previous pass too; empty without one. */
    static Map<String, double[]> rates(List<RootScan.Row> previous, List<RootScan.Row> now, double seconds) {
        Map<String, double[]> rates = new HashMap<>();
        if (previous == null || seconds <= 0) {
            return rates;
        }
        Map<String, Statistics> before = new HashMap<>();
        previous.stream().filter(r -> r.info() != null).forEach(r -> before.put(key(r), r.info().statistics()));
        for (RootScan.Row r : now) {
            Statistics b = before.get(key(r));
            if (b != null && r.info() != null) {
                Statistics s = r.info().statistics();
                rates.put(key(r), new double[] {
                    Math.max(0, s.get(Counter.MESSAGES_IN) - b.get(Counter.MESSAGES_IN)) / seconds,
                    Math.max(0, s.get(Counter.MESSAGES_OUT) - b.get(Counter.MESSAGES_OUT)) / seconds });
            }
        }
        return rates;
    }

    static String key(RootScan.Row r) {
        return r.kind() + "/" + r.name();
    }

    /** The pass as a table: one line per object, a CORRUPTED (or other) row with its reason. */
    static String table(Instant at, List<RootScan.Row> rows, Map<String, double[]> rates) {
        StringBuilder s = new StringBuilder();
        s.append(at).append("  ").append(rows.size()).append(" objects\n");
        s.append(String.format("%-9s %-24s %-9s", "TYPE", "NAME", "STATUS"));
        for (String h : HEADERS) {
            s.append(String.format(" %10s", h));
        }
        if (!rates.isEmpty()) {
            s.append(String.format(" %9s %9s", "IN/S", "OUT/S"));
        }
        s.append('\n');
        for (RootScan.Row r : rows) {
            s.append(String.format("%-9s %-24s %-9s", r.kind(), r.name(), r.status()));
            if (r.info() == null) {
                s.append(' ').append(r.reason());
            } else {
                for (Counter c : COLUMNS) {
                    s.append(String.format(" %10d", r.info().statistics().get(c)));
                }
                double[] rate = rates.get(key(r));
                if (rate != null) {
                    s.append(String.format(" %9.1f %9.1f", rate[0], rate[1]));
                }
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** The pass as one line of JSON. */
    static String json(Instant at, String root, List<RootScan.Row> rows, Map<String, double[]> rates) {
        StringBuilder s = new StringBuilder();
        s.append("{\"time\":").append(quote(at.toString())).append(",\"root\":").append(quote(root))
                .append(",\"objects\":[");
        for (int i = 0; i < rows.size(); i++) {
            RootScan.Row r = rows.get(i);
            s.append(i == 0 ? "" : ",").append("{\"type\":").append(quote(r.type().label())).append(",\"name\":")
                    .append(quote(r.name())).append(",\"status\":").append(quote(r.status()));
            if (r.durable()) {
                s.append(",\"durable\":true");
            }
            if (r.info() == null) {
                s.append(",\"reason\":").append(quote(r.reason()));
            } else {
                s.append(",\"capacity\":").append(r.info().capacity()).append(",\"counters\":{");
                Statistics st = r.info().statistics();
                Counter[] all = Counter.values();
                for (int c = 0; c < all.length; c++) {
                    s.append(c == 0 ? "" : ",").append(quote(all[c].name().toLowerCase())).append(':')
                            .append(st.get(all[c]));
                }
                s.append('}');
                double[] rate = rates.get(key(r));
                if (rate != null) {
                    s.append(",\"messages_in_per_second\":").append(rate[0]).append(",\"messages_out_per_second\":")
                            .append(rate[1]);
                }
            }
            s.append('}');
        }
        return s.append("]}\n").toString();
    }

    /** A JSON string. */
    static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return s.append('"').toString();
    }
}
