package org.multios.ipc.spi;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The calling process as a mechanism sees it, with the access decisions and quotas that apply
 * to it. Implemented by ipc.security (one per calling bundle) and by the plain-Java bootstrap
 * (one per OS process); mechanisms call it when a handle is opened or created and when they
 * take or give back resources.
 */
@ConsumerType
public interface CallerContext {
    /** The calling process. */
    IpcProcess process();

    /**
     * Decides access to an object at open or create.
     *
     * @param type        kind of object
     * @param name        the object's name, or {@code #id} for an anonymous object
     * @param permissions the object's owner, group and mode
     * @param requested   the {@link org.multios.ipc.Rights} the caller asks for
     * @return every right granted, a superset of {@code requested}; the handle keeps the grant
     *         and tests it at each operation, and the platform may revoke it
     * @throws org.multios.ipc.IpcException PERMISSION_DENIED if a requested right is not granted
     */
    Grant authorize(ObjectType type, String name, Permissions permissions, int requested);

    /**
     * Registers a grant the mechanism made without an access decision (its creator's rights on
     * an anonymous object, a connection accepted for a listener), so that revocation of the
     * caller's handles on {@code (type, name)} reaches it as it reaches the grants
     * {@link #authorize} returns. A context that keeps no grants returns it as is.
     *
     * @param name the object's name, or {@code #id} for an anonymous object
     * @return {@code grant}
     */
    default Grant register(ObjectType type, String name, Grant grant) {
        return grant;
    }

    /**
     * Reserves an amount of a quota before a resource is taken.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED naming the quota; nothing is reserved
     */
    void reserve(Quota quota, long amount);

    /** Gives back an amount reserved earlier. */
    void release(Quota quota, long amount);

    /**
     * Tells that an operation through a handle was refused for lack of rights (the handle's
     * grant did not allow it, or was revoked). Mechanisms call it before throwing
     * PERMISSION_DENIED, so that every denial reaches the audit log.
     */
    void denied(ObjectType type, String name, String operation);
}
