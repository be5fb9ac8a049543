package org.multios.ipc.channels.ring;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MutableMessageBuffer;

/**
 * The claim flyweight of one thread on one {@link InPlacePort}: a writable {@link SlotView} of
 * the slot claimed, and the slot and priority its commit or abort hands back to the port. It
 * holds its port weakly: a thread's claim (a thread-local value of the port) must not keep the
 * port, and through it its thread-local key, reachable, or every handle a long-lived thread ever
 * claimed on would stay in memory. An open port is held by its session; a collected one was closed.
 */
final class SlotClaim extends SlotView implements MessageClaim, MutableMessageBuffer {
    private final WeakReference<InPlacePort> port;
    private long slot;
    private int priority;

    SlotClaim(InPlacePort port, String what) {
        super(port.outbound().region(), what);
        this.port = new WeakReference<>(port);
    }

    void open(long slot, long address, int length, int priority) {
        this.slot = slot;
        this.priority = priority;
        open(address, length);
    }

    long slot() {
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
        port().commit(this);
    }

    private InPlacePort port() {
        InPlacePort p = port.get();
        if (p == null) {
            close();
            throw IpcException.closed(what());
        }
        return p;
    }

    @Override
    public void abort() {
        InPlacePort p = port.get();
        if (p == null) {
            close(); // closed and collected: its process frees the slot when it exits
        } else if (isOpen()) {
            p.abort(this);
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
