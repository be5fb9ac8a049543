package org.multios.ipc.net.internal.stream;

import org.multios.ipc.net.internal.wire.PayloadAllocator;

/**
 * The payload arrays of one connection's received frames, given back once their bytes were
 * copied to the receiver and handed out again to the decoder: a stream of frames of one size
 * allocates nothing once it runs. It keeps at most {@value #MAX_ARRAYS} arrays and
 * {@code maxBytes} bytes, takes only an array of the exact length asked for, and is emptied by
 * {@link #trim} when it went unused (an idle connection holds no memory for it). Any thread.
 */
final class PayloadPool implements PayloadAllocator {
    private static final int MAX_ARRAYS = 64;

    private final byte[][] arrays = new byte[MAX_ARRAYS][];
    private final long maxBytes;
    private int count;
    private long bytes;
    private boolean used;

    PayloadPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public byte[] allocate(int length) {
        synchronized (this) {
            used = true;
            if (count > 0 && arrays[count - 1].length == length) {
                byte[] a = arrays[--count];
                arrays[count] = null;
                bytes -= length;
                return a;
            }
        }
        return new byte[length];
    }

    /** Takes back an array whose bytes nobody reads any more; kept if there is room. */
    void recycle(byte[] array) {
        synchronized (this) {
            if (count < MAX_ARRAYS && bytes + array.length <= maxBytes) {
                arrays[count++] = array;
                bytes += array.length;
            }
        }
    }

    /** Periodic: drops every array if none was asked for since the last call. */
    synchronized void trim() {
        if (!used) {
            java.util.Arrays.fill(arrays, 0, count, null);
            count = 0;
            bytes = 0;
        }
        used = false;
    }
}
