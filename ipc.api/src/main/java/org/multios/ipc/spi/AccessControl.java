package org.multios.ipc.spi;

import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The security policy seen by administrators (the console): the rules in force, revocation of
 * open handles, quotas and their use. Registered by ipc.security.
 */
@ProviderType
public interface AccessControl {
    /** The rules in force, in the order they are evaluated, as configured; none while no policy is in force. */
    List<String> rules();

    /** Whether a policy is in force, since when and from where, or why none is. */
    PolicyState policyState();

    /**
     * Revokes every handle a process holds on an object: later operations through them fail with
     * PERMISSION_DENIED. New opens are decided by the policy as usual.
     *
     * @return how many handles were revoked
     */
    int revoke(long processId, ObjectType type, String name);

    /** The IPC processes known now with their quota use. */
    Map<IpcProcess, Map<Quota, Long>> quotaUse();

    /** The per-process quotas in force; a quota not in the map has no limit. None while no policy is in force. */
    Map<Quota, Long> quotas();
}
