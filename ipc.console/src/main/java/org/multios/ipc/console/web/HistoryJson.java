package org.multios.ipc.console.web;

import java.util.List;

import org.multios.ipc.console.history.Series;

/**
 * The IPC page's chart data ({@code history.json}): per object its type, name and the arrays
 * of {@link Series}, times in epoch seconds, rates per second, wait percentiles in nanoseconds.
 */
final class HistoryJson {
    private HistoryJson() {
    }

    /** The series, and the milliseconds between samples (the page polls as often). */
    static String of(List<Series> series, long intervalMillis) {
        StringBuilder s = new StringBuilder(256 + series.size() * 2048);
        s.append("{\"intervalMillis\":").append(intervalMillis).append(",\"objects\":[");
        for (int i = 0; i < series.size(); i++) {
            Series o = series.get(i);
            s.append(i == 0 ? "{" : ",{").append("\"type\":").append(quote(o.type())).append(",\"name\":")
                    .append(quote(o.name()));
            array(s, "time", o.time());
            array(s, "messagesIn", o.messagesIn());
            array(s, "messagesOut", o.messagesOut());
            array(s, "bytesIn", o.bytesIn());
            array(s, "bytesOut", o.bytesOut());
            array(s, "depth", o.depth());
            array(s, "highWaterMark", o.highWaterMark());
            array(s, "p50", o.p50());
            array(s, "p99", o.p99());
            array(s, "p999", o.p999());
            s.append('}');
        }
        return s.append("]}").toString();
    }

    private static void array(StringBuilder s, String key, double[] values) {
        s.append(",\"").append(key).append("\":[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",").append(Math.round(values[i] * 1000) / 1000.0);
        }
        s.append(']');
    }

    private static void array(StringBuilder s, String key, long[] values) {
        s.append(",\"").append(key).append("\":[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",").append(values[i]);
        }
        s.append(']');
    }

    /** A JSON string; {@code <} and {@code >} escaped too, so no name can close a script element. */
    static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
