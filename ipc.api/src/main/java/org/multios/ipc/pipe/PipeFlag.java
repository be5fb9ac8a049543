package org.multios.ipc.pipe;


/** Flags of pipe ends: the original specification's {@code PipeFlags}, after {@code pipe2} and {@code open}. */
public enum PipeFlag {
    /**
     * The end does not wait ({@code O_NONBLOCK}): its blocking and timed reads and writes fail
     * with {@link org.multios.ipc.IpcError#WOULD_BLOCK} instead of waiting. Can be changed later
     * with {@code setNonBlocking} on the end. Given to {@link PipeService#create}, it applies to
     * both ends.
     */
    NON_BLOCKING
}
