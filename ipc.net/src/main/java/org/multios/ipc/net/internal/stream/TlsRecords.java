package org.multios.ipc.net.internal.stream;

import java.nio.ByteBuffer;

/** Recognises the start of a TLS handshake among bytes that should be frames. */
final class TlsRecords {
    /** Content type of a TLS handshake record. */
    private static final int HANDSHAKE = 22;
    /** Major version of every SSL 3 / TLS record. */
    private static final int MAJOR_VERSION = 3;

    private TlsRecords() {
    }

    /**
     * Whether {@code bytes} (read from its position) begin with a TLS handshake record: a
     * frame cannot, its first byte is the high byte of a length far beyond any frame's.
     */
    static boolean startsTlsHandshake(ByteBuffer bytes) {
        int p = bytes.position();
        return bytes.remaining() >= 2 && (bytes.get(p) & 0xFF) == HANDSHAKE && bytes.get(p + 1) == MAJOR_VERSION;
    }
}
