package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.spi.Grant;

/** The reading end of an unnamed pipe. */
final class UnnamedReader extends ReaderEnd<UnnamedPipe> {
    UnnamedReader(PipeSession session, UnnamedPipe pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, nonBlocking);
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        return pipe.read(this, array, off, buffer, len, deadline);
    }

    @Override
    public int bufferSize() {
        return pipe.capacity();
    }

    @Override
    public int available() {
        checkAccess();
        return pipe.available();
    }

    @Override
    void revoked() {
        pipe.revoked(true);
    }

    @Override
    void closing() {
        pipe.readerClosed();
    }
}
