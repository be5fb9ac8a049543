package org.multios.ipc.channels.queue;

import java.io.UncheckedIOException;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * What a queue does after a send published a message, as its {@link QueueDurability} says: nothing
 * (in memory, or left to the operating system's write-back), flush now (SYNC), or leave it to the
 * group commit (GROUP). Called once per send, by the sending thread, after the message is in the
 * ring.
 */
@FunctionalInterface
interface DurabilityPolicy {
    /** NONE and OS: the page cache is written back when the operating system chooses. */
    DurabilityPolicy NOTHING = () -> {
    };

    /**
     * Called after a send published its message.
     *
     * @throws IpcException IO_ERROR if the queue's file could not be flushed: the message is
     *                      queued, but not known to be on stable storage
     */
    void published();

    /** The policy of a queue of level {@code durability} whose file {@code region} maps. */
    static DurabilityPolicy of(QueueDurability durability, MappedRegion region, String what, GroupCommit group) {
        return switch (durability) {
            case NONE, OS -> NOTHING;
            case SYNC -> () -> flush(region, what);
            case GROUP -> group.member(region, what);
        };
    }

    /**
     * Writes the region's changed pages to its file and waits until they are on stable storage
     * ({@code msync(MS_SYNC)}: the file system flushes the device's write cache too).
     *
     * @throws IpcException IO_ERROR naming the object and the operating system's reason
     */
    static void flush(MappedRegion region, String what) {
        try {
            region.force();
        } catch (UncheckedIOException e) {
            throw new IpcException(IpcError.IO_ERROR, what + ": the message is queued, but writing the queue's file"
                    + " to disk failed (" + e.getCause().getMessage() + "); it may not survive a power loss", e);
        }
    }
}
