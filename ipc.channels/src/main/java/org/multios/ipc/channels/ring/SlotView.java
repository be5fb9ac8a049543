package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * A read-only flyweight over the bytes of one message slot of a {@link PriorityRing}, open
 * while its thread owns the slot: every access is checked against the message's length (which
 * the ring checked when it took the slot), so nothing outside the slot is ever reached, and a
 * closed view refuses everything.
 */
class SlotView implements MessageBuffer {
    private final MappedRegion region;
    private final String what;
    private long address;
    private int length = -1;

    /** @param what the object the slots belong to, named in messages */
    SlotView(MappedRegion region, String what) {
        this.region = region;
        this.what = what;
    }

    final void open(long address, int length) {
        this.address = address;
        this.length = length;
    }

    final void close() {
        length = -1;
    }

    /** Whether the view is open. */
    public final boolean isOpen() {
        return length >= 0;
    }

    /**
     * The offset of {@code size} bytes at {@code index} in the region.
     *
     * @throws IpcException INVALID_ARGUMENT outside the message, or once the view is closed
     */
    final long at(int index, int size) {
        int n = length;
        if (n < 0) {
            throw IpcException.invalidArgument(what + ": the message view has ended (committed, aborted, or its"
                    + " handler returned)");
        }
        if (index < 0 || size < 0 || index > n - size) {
            throw IpcException.invalidArgument(what + ": " + size + " bytes at " + index
                    + " are outside the message of " + n + " bytes");
        }
        return address + index;
    }

    @Override
    public final int length() {
        return Math.max(0, length);
    }

    @Override
    public final byte getByte(int index) {
        return region.getByte(at(index, Byte.BYTES));
    }

    @Override
    public final int getInt(int index) {
        return region.getInt(at(index, Integer.BYTES));
    }

    @Override
    public final long getLong(int index) {
        return region.getLong(at(index, Long.BYTES));
    }

    @Override
    public final void getBytes(int index, byte[] dst, int off, int len) {
        if (dst == null || off < 0 || len < 0 || off > dst.length - len) {
            throw IpcException.invalidArgument(what + ": range of " + len + " bytes at " + off
                    + " is outside the array" + (dst == null ? " (null)" : " of " + dst.length + " bytes"));
        }
        region.getBytes(at(index, len), dst, off, len);
    }

    @Override
    public final void getBytes(int index, ByteBuffer dst) {
        if (dst == null || dst.isReadOnly()) {
            throw IpcException.invalidArgument(what + ": cannot copy into a " + (dst == null ? "null" : "read-only")
                    + " buffer");
        }
        region.getBytes(at(index, dst.remaining()), dst);
    }

    /** Stores for the writable subclass. */
    final MappedRegion region() {
        return region;
    }

    final String what() {
        return what;
    }

    @Override
    public String toString() {
        return isOpen() ? "message of " + length + " bytes in " + what : "ended message view of " + what;
    }
}
