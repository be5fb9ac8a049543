package org.multios.ipc;

import java.util.Optional;


/**
 * What the registry knows of one live object: identity, ownership, size and statistics, as a
 * snapshot. Immutable.
 *
 * @param type        kind of object
 * @param id          unique within its mechanism while the object lives
 * @param name        the name of a named object, empty for anonymous ones
 * @param creator     the IPC process that created it (for a named object the bundle or program
 *                    and its OS process, read from its owner record; {@code OS_PROCESS} with
 *                    pid 0 where none was recorded)
 * @param permissions owner, group and mode
 * @param capacity    size in bytes for segments and pipes, messages for queues and channels, the
 *                    maximum value for semaphores; 0 where it does not apply
 * @param persistent  whether it outlives its creator (named objects until unlinked)
 * @param statistics  counters at the time of the snapshot
 * @param waitStrategy the object's {@link WaitStrategy}, empty for objects nobody waits on
 */
public record ObjectInfo(ObjectType type, long id, Optional<String> name, IpcProcess creator,
        Permissions permissions, long capacity, boolean persistent, Statistics statistics,
        Optional<WaitStrategy> waitStrategy) {

    /** A snapshot of an object nobody waits on (no wait strategy). */
    public ObjectInfo(ObjectType type, long id, Optional<String> name, IpcProcess creator, Permissions permissions,
            long capacity, boolean persistent, Statistics statistics) {
        this(type, id, name, creator, permissions, capacity, persistent, statistics, Optional.empty());
    }

    /** This snapshot with the object's wait strategy. */
    public ObjectInfo withWaitStrategy(WaitStrategy strategy) {
        return new ObjectInfo(type, id, name, creator, permissions, capacity, persistent, statistics,
                Optional.ofNullable(strategy));
    }

    /** The name, or {@code #id} for an anonymous object. */
    public String displayName() {
        return name.orElse("#" + id);
    }
}
