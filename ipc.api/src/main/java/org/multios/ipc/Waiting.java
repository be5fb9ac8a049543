package org.multios.ipc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle whose operations may wait: queues, channel ends, pipe ends, semaphores, mutexes,
 * conditions and events. Its waits follow the object's {@link WaitStrategy} unless this handle
 * overrides it. Pipe ends keep no file: they follow the platform default unless this handle
 * overrides it. Handles whose waits do not spin (a remote bridge's handles wait in socket reads)
 * report {@link WaitStrategy#BLOCK} and refuse another strategy.
 */
@ProviderType
public interface Waiting {
    /** The strategy this handle's waits follow now: its override, or the object's. */
    default WaitStrategy waitStrategy() {
        return WaitStrategy.BLOCK;
    }

    /**
     * Makes this handle's waits (those that start from now on) follow {@code strategy}; other
     * handles, in this process or others, keep theirs. {@code null} goes back to the object's.
     *
     * @throws IpcException UNSUPPORTED where the handle cannot wait that way
     */
    default void setWaitStrategy(WaitStrategy strategy) {
        if (strategy != null && !strategy.equals(WaitStrategy.BLOCK)) {
            throw new IpcException(IpcError.UNSUPPORTED, this + " waits in the kernel only; it cannot wait with "
                    + strategy);
        }
    }
}
