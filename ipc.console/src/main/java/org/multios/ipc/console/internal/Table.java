package org.multios.ipc.console.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A text table for the console: columns as wide as their widest cell, two spaces apart, cells
 * cut with an ellipsis past a column's maximum so that tables fit an 80-column terminal.
 */
final class Table {
    private final String[] headers;
    private final int[] maxWidths;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers and, for each column, the widest it may grow. */
    Table(String[] headers, int[] maxWidths) {
        this.headers = headers;
        this.maxWidths = maxWidths;
    }

    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            String c = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            r[i] = c.length() > maxWidths[i] ? c.substring(0, Math.max(0, maxWidths[i] - 1)) + "~" : c;
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size();
    }

    @Override
    public String toString() {
        int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        line(s, headers, w);
        for (String[] r : rows) {
            line(s, r, w);
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) {
                l.append(" ".repeat(w[i] - cells[i].length() + 2));
            }
        }
        s.append(l.toString().stripTrailing()).append('\n');
    }
}
