package org.multios.ipc.console.internal;

/** Bytes as {@code hexdump -C} shows them: offset, 16 bytes in hex, the printable ones as text. */
final class Hexdump {
    private Hexdump() {
    }

    static String of(long base, byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes.length; i += 16) {
            s.append(String.format("%08x ", base + i));
            StringBuilder text = new StringBuilder();
            for (int j = i; j < i + 16; j++) {
                if (j < bytes.length) {
                    s.append(String.format(" %02x", bytes[j]));
                    char c = (char) (bytes[j] & 0xff);
                    text.append(c >= 0x20 && c < 0x7f ? c : '.');
                } else {
                    s.append("   ");
                }
            }
            s.append("  |").append(text).append("|\n");
        }
        return s.toString();
    }
}
