package org.multios.ipc;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one message in place, in shared memory: what a {@link MessageHandler}
 * is given, valid only until the handler returns. Indexes count from the message's first byte;
 * multi-byte values are in the platform's native byte order. Reading outside
 * {@code 0..length()-1}, or after the view ended, fails with
 * {@link IpcError#INVALID_ARGUMENT INVALID_ARGUMENT} and reads nothing.
 */
@ProviderType
public interface MessageBuffer {
    /** Bytes of the message. */
    int length();

    /** The byte at {@code index}. */
    byte getByte(int index);

    /** The int at {@code index}. */
    int getInt(int index);

    /** The long at {@code index}. */
    long getLong(int index);

    /** Copies {@code len} bytes from {@code index} into {@code dst} at {@code off}. */
    void getBytes(int index, byte[] dst, int off, int len);

    /** Copies {@code dst.remaining()} bytes from {@code index} into {@code dst}, advancing its position. */
    void getBytes(int index, ByteBuffer dst);
}
