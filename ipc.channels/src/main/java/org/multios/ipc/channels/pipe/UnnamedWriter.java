package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.spi.Grant;

/** The writing end of an unnamed pipe. */
final class UnnamedWriter extends WriterEnd {
    private final UnnamedPipe unnamed;

    UnnamedWriter(PipeSession session, UnnamedPipe pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, nonBlocking);
        this.unnamed = pipe;
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial) {
        return unnamed.write(this, array, off, buffer, len, deadline, partial);
    }

    @Override
    public int bufferSize() {
        return unnamed.capacity();
    }

    @Override
    public int atomicWriteSize() {
        return unnamed.atomicWriteSize();
    }

    @Override
    void revoked() {
        unnamed.wakeAll();
    }

    @Override
    void closing() {
        unnamed.writerClosed();
    }
}
