package org.multios.ipc.queue;


/**
 * Flags of {@link MessageQueueService#create} and {@link MessageQueueService#open}, after the
 * POSIX {@code mq_open} flags. Creating always implies {@code O_CREAT}: without
 * {@link #EXCLUSIVE} a create is "open or create".
 */
public enum QueueFlag {
    /**
     * Create only: fail with {@link org.multios.ipc.IpcError#ALREADY_EXISTS} if a queue of that
     * name exists ({@code O_CREAT | O_EXCL}). Valid for create only.
     */
    EXCLUSIVE,
    /**
     * The handle does not wait ({@code O_NONBLOCK}): the blocking and timed forms of send and
     * receive fail with {@link org.multios.ipc.IpcError#WOULD_BLOCK} when the queue is full
     * (send) or empty (receive). Applies to the handle only, never to the queue, and can be
     * changed with {@link MessageQueue#setNonBlocking(boolean)}.
     */
    NON_BLOCKING
}
