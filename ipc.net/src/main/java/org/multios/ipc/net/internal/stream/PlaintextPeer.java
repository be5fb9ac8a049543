package org.multios.ipc.net.internal.stream;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLException;

/** The first bytes from the peer were not a TLS record: it speaks plaintext. */
final class PlaintextPeer extends SSLException {
    private static final long serialVersionUID = 1L;
    private final transient ByteBuffer received;

    PlaintextPeer(ByteBuffer received) {
        super("the peer does not speak TLS");
        this.received = received;
    }

    /** What it sent (a REFUSE frame from a plaintext listener, a HELLO from a plaintext client). */
    ByteBuffer received() {
        return received.asReadOnlyBuffer();
    }
}
