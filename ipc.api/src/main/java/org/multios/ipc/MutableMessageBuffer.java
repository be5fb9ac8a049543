package org.multios.ipc;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A writable view of one message slot in shared memory (see {@link MessageClaim}): the reads of
 * {@link MessageBuffer} plus writes, under the same index rules.
 */
@ProviderType
public interface MutableMessageBuffer extends MessageBuffer {
    /** Stores a byte at {@code index}. */
    void putByte(int index, byte value);

    /** Stores an int at {@code index}. */
    void putInt(int index, int value);

    /** Stores a long at {@code index}. */
    void putLong(int index, long value);

    /** Copies {@code len} bytes of {@code src} from {@code off} to {@code index}. */
    void putBytes(int index, byte[] src, int off, int len);

    /** Copies the remaining bytes of {@code src} to {@code index}, advancing its position. */
    void putBytes(int index, ByteBuffer src);
}
