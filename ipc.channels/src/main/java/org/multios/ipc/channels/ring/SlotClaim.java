package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MutableMessageBuffer;

/**
 * The claim flyweight of one thread on one {@link InPlacePort}: a writable {@link SlotView} of
 * the slot claimed, and the slot and priority its commit or abort hands back to the port.
 */
final class SlotClaim extends SlotView implements MessageClaim, MutableMessageBuffer {
    private final InPlacePort port;
    private int slot;
    private int priority;

    SlotClaim(InPlacePort port, String what) {
        super(port.outbound().region(), what);
        this.port = port;
    }

    void open(int slot, long address, int length, int priority) {
        this.slot = slot;
        this.priority = priority;
        open(address, length);
    }

    int slot() {
        return slot;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void commit() {
        if (!isOpen()) {
            throw IpcException.invalidArgument(what() + ": the claim is not open (already committed or aborted)");
        }
        port.commit(this);
    }

    @Override
    public void abort() {
        if (isOpen()) {
            port.abort(this);
        }
    }

    @Override
    public void putByte(int index, byte value) {
        region().putByte(at(index, Byte.BYTES), value);
    }

    @Override
    public void putInt(int index, int value) {
        region().putInt(at(index, Integer.BYTES), value);
    }

    @Override
    public void putLong(int index, long value) {
        region().putLong(at(index, Long.BYTES), value);
    }

    @Override
    public void putBytes(int index, byte[] src, int off, int len) {
        if (src == null || off < 0 || len < 0 || off > src.length - len) {
            throw IpcException.invalidArgument(what() + ": range of " + len + " bytes at " + off
                    + " is outside the array" + (src == null ? " (null)" : " of " + src.length + " bytes"));
        }
        region().putBytes(at(index, len), src, off, len);
    }

    @Override
    public void putBytes(int index, ByteBuffer src) {
        if (src == null) {
            throw IpcException.invalidArgument(what() + ": buffer must not be null");
        }
        region().putBytes(at(index, src.remaining()), src);
    }
}
