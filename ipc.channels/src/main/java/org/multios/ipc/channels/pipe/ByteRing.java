package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

/**
 * A fixed-size ring of bytes on the heap. Not thread-safe: its pipe's lock guards it. Copies in
 * and out of arrays and buffers without allocating.
 */
final class ByteRing {
    private final byte[] bytes;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.bytes = new byte[capacity];
    }

    int capacity() {
        return bytes.length;
    }

    int size() {
        return size;
    }

    int free() {
        return bytes.length - size;
    }

    /** Appends {@code n} bytes from {@code array} at {@code off}, or from {@code buffer} (advancing it). */
    void put(byte[] array, int off, ByteBuffer buffer, int n) {
        int tail = (head + size) % bytes.length;
        int first = Math.min(n, bytes.length - tail);
        copyIn(array, off, buffer, tail, first);
        if (first < n) {
            copyIn(array, off + first, buffer, 0, n - first);
        }
        size += n;
    }

    /** Removes {@code n} bytes into {@code array} at {@code off}, or into {@code buffer} (advancing it). */
    void take(byte[] array, int off, ByteBuffer buffer, int n) {
        int first = Math.min(n, bytes.length - head);
        copyOut(array, off, buffer, head, first);
        if (first < n) {
            copyOut(array, off + first, buffer, 0, n - first);
        }
        head = (head + n) % bytes.length;
        size -= n;
        if (size == 0) {
            head = 0;
        }
    }

    /** Forgets every byte held. */
    void clear() {
        head = 0;
        size = 0;
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
