package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.spi.Grant;

/** The reading end of an unnamed pipe. */
final class UnnamedReader extends ReaderEnd {
    private final UnnamedPipe unnamed;

    UnnamedReader(PipeSession session, UnnamedPipe pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, nonBlocking);
        this.unnamed = pipe;
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        return unnamed.read(this, array, off, buffer, len, deadline);
    }

    @Override
    public int bufferSize() {
        return unnamed.capacity();
    }

    @Override
    public int available() {
        checkReadable();
        return unnamed.available();
    }

    @Override
    void revoked() {
        unnamed.wakeAll();
    }

    @Override
    void closing() {
        unnamed.readerClosed();
    }
}
