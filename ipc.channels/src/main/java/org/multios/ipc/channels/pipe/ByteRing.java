package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

/**
 * The bytes of an unnamed pipe's ring on the heap, addressed by position: the count of bytes
 * written before them, which never wraps (2<sup>63</sup> bytes), taken modulo the capacity. Holds
 * no position of its own: the pipe's sides do ({@link PipeSide}), and they keep a writer and a
 * reader from touching the same bytes. Copies in and out of arrays and buffers without allocating.
 */
final class ByteRing {
    private final byte[] bytes;

    ByteRing(int capacity) {
        this.bytes = new byte[capacity];
    }

    int capacity() {
        return bytes.length;
    }

    /** Copies {@code n} bytes from {@code array} at {@code off}, or from {@code buffer} (advancing it), to {@code position}. */
    void put(long position, byte[] array, int off, ByteBuffer buffer, int n) {
        int at = (int) (position % bytes.length);
        int first = Math.min(n, bytes.length - at);
        copyIn(array, off, buffer, at, first);
        if (first < n) {
            copyIn(array, off + first, buffer, 0, n - first);
        }
    }

    /** Copies {@code n} bytes from {@code position} into {@code array} at {@code off}, or into {@code buffer} (advancing it). */
    void take(long position, byte[] array, int off, ByteBuffer buffer, int n) {
        int at = (int) (position % bytes.length);
        int first = Math.min(n, bytes.length - at);
        copyOut(array, off, buffer, at, first);
        if (first < n) {
            copyOut(array, off + first, buffer, 0, n - first);
        }
    }

    private void copyIn(byte[] array, int off, ByteBuffer buffer, int at, int n) {
        if (array != null) {
            System.arraycopy(array, off, bytes, at, n);
        } else {
            buffer.get(bytes, at, n);
        }
    }

    private void copyOut(byte[] array, int off, ByteBuffer buffer, int at, int n) {
        if (array != null) {
            System.arraycopy(bytes, at, array, off, n);
        } else {
            buffer.put(bytes, at, n);
        }
    }
}
