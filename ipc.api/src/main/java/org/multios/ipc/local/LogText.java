package org.multios.ipc.local;

/**
 * Text a peer chose (an SSH user name, an MQTT topic or property) as it may appear in a log
 * line: control characters and line or paragraph separators written as {@code \n}, {@code \r},
 * {@code \t} or {@code \}{@code uXXXX}, a backslash doubled, and at most {@value #MAX} characters
 * kept. A peer can then neither end a line of the {@code ipc.audit} log and forge the next one,
 * nor fill the log through one field.
 */
public final class LogText {
    /** The most characters of a value kept. */
    public static final int MAX = 200;

    private LogText() {
    }

    /** {@code text} fit for one log line ({@code null} as {@code null}). */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX) + 16);
        int n = Math.min(text.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (text.length() > MAX) {
            b.append("...(").append(text.length()).append(" characters)");
        }
        return b.toString();
    }
}
