package org.multios.ipc.net.internal.wire;

/**
 * Where a {@link FrameDecoder} gets the array of each frame's payload: a new one, or one of a
 * pool whose frames were taken. The decoder fills every byte, so a reused array needs no
 * clearing.
 */
@FunctionalInterface
public interface PayloadAllocator {
    /** A new array every time. */
    PayloadAllocator NEW = byte[]::new;

    /** An array of exactly {@code length} bytes that nobody else holds. */
    byte[] allocate(int length);
}
