package org.multios.ipc.channels.quota;

import java.util.List;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Quota;
import org.multios.ipc.shm.mapped.ObjectDirectory;
import org.multios.ipc.spi.CallerContext;

/**
 * The named objects an IPC owner holds under the root, counted from the files there (by the
 * owner their permissions name), so that the {@link Quota#OBJECTS} quota holds what exists:
 * across the creator's sessions, the mechanism's restarts and every process sharing the root.
 * A create checks for room before it makes its file ({@link #checkRoom}) and counts again after
 * ({@link #confirm}): two creators racing for the last object cannot both keep theirs.
 *
 * <p>Each count lists the directories and reads each object's permissions: creates cost time in
 * proportion to the objects under the root.
 */
public final class RootObjects {
    private final List<ObjectDirectory> directories;
    private final String kinds;

    /**
     * @param directories the directories whose objects count
     * @param kinds       what they hold, for messages ({@code named queues and channels})
     */
    public RootObjects(List<ObjectDirectory> directories, String kinds) {
        this.directories = List.copyOf(directories);
        this.kinds = kinds;
    }

    /** How many objects of these directories {@code owner} holds now. */
    public long heldBy(String owner) {
        long n = 0;
        for (ObjectDirectory d : directories) {
            for (String name : d.names()) {
                try {
                    if (d.permissions(name).owner().equals(owner)) {
                        n++;
                    }
                } catch (IpcException goneOrForeign) {
                    // unlinked meanwhile, or not an object file: not held
                }
            }
        }
        return n;
    }

    /**
     * Checks, before a create, that the caller's objects quota has room for one more beside what
     * the root holds of its owner's.
     *
     * @throws IpcException LIMIT_EXCEEDED naming the object, the owner and what it holds
     */
    public void checkRoom(CallerContext caller, String what) {
        String owner = caller.process().user();
        check(caller, heldBy(owner) + 1, owner, what);
    }

    /**
     * Checks, after a create, that what the root holds of the owner's, the new object included,
     * is within the quota; if not, the caller removes its object.
     *
     * @throws IpcException LIMIT_EXCEEDED naming the object, the owner and what it holds
     */
    public void confirm(CallerContext caller, String what) {
        String owner = caller.process().user();
        check(caller, heldBy(owner), owner, what);
    }

    private void check(CallerContext caller, long count, String owner, String what) {
        try {
            caller.reserve(Quota.OBJECTS, count);
        } catch (IpcException e) {
            if (e.error() != IpcError.LIMIT_EXCEEDED) {
                throw e;
            }
            throw new IpcException(IpcError.LIMIT_EXCEEDED, what + ": its owner " + owner + " would hold " + count + " "
                    + kinds + " under the IPC root, more than its " + Quota.OBJECTS.key() + " allows (" + e.getMessage()
                    + ")");
        }
        caller.release(Quota.OBJECTS, count);
    }
}
