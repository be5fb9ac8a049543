package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.spi.Grant;

/** The writing end of an unnamed pipe. */
final class UnnamedWriter extends WriterEnd<UnnamedPipe> {
    UnnamedWriter(PipeSession session, UnnamedPipe pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, nonBlocking);
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial) {
        return pipe.write(this, array, off, buffer, len, deadline, partial);
    }

    @Override
    public int bufferSize() {
        return pipe.capacity();
    }

    @Override
    public int atomicWriteSize() {
        return pipe.atomicWriteSize();
    }

    @Override
    void revoked() {
        pipe.revoked(false);
    }

    @Override
    void closing() {
        pipe.writerClosed();
    }
}
