package org.multios.ipc.queue;


/**
 * Where a named queue lives and when a send's message reaches stable storage, chosen when the
 * queue is created ({@link QueueOptions#withDurability}) and kept by the queue. Every level has
 * the same API, priorities, cross-process use and recovery from killed processes; they differ in
 * what survives the loss of the machine's memory (a reboot, a power loss, a kernel crash).
 *
 * <p>A {@link #NONE} queue lives in the IPC root (memory, {@code /dev/shm}); the others live in
 * the durable root, a directory on a disk file system (by default {@code ipc-durable} under the
 * gateway's working directory). Queue names form one namespace over both roots: a name belongs
 * to at most one queue, which {@link MessageQueueService#open} finds wherever it lives.
 */
public enum QueueDurability {
    /** In memory only (the IPC root): gone at reboot. The default. */
    NONE,
    /**
     * On disk, written back by the operating system when it chooses (page cache only): survives
     * every process's death and a clean reboot; a power loss or kernel crash loses what was not
     * yet written back (typically up to 30 s of sends).
     */
    OS,
    /**
     * On disk with group commit: a send returns at once, and a flusher writes the queue back
     * within {@code 2 ms} of the first send not yet on disk, so senders within that window share
     * one flush. A power loss or kernel crash loses at most the sends that returned within the
     * last 2 ms plus the duration of one flush (one disk write and cache flush).
     */
    GROUP,
    /**
     * On disk, synchronously: a send returns once its message is on stable storage (the queue's
     * file was flushed with {@code msync(MS_SYNC)}, which waits for the disk's write cache too).
     * A send that returned survives a power loss. A send whose flush fails throws
     * {@link org.multios.ipc.IpcError#IO_ERROR} saying so; its message is queued but not
     * known to be on disk.
     */
    SYNC
}
