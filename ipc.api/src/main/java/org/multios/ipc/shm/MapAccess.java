package org.multios.ipc.shm;

import org.multios.ipc.Rights;

/** How a {@link Mapping} may access its segment, and the handle rights that requires. */
public enum MapAccess {
    /** Reads only; every write through the mapping fails with PERMISSION_DENIED. */
    READ_ONLY(Rights.READ),
    /** Reads and writes, including the atomic operations. */
    READ_WRITE(Rights.READ_WRITE);

    private final int requiredRights;

    MapAccess(int requiredRights) {
        this.requiredRights = requiredRights;
    }

    /** The {@link Rights} bits a handle must hold to map with this access. */
    public int requiredRights() {
        return requiredRights;
    }

    /** Whether writes are allowed. */
    public boolean isWritable() {
        return this == READ_WRITE;
    }
}
