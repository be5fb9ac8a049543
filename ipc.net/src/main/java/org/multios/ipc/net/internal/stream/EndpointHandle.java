package org.multios.ipc.net.internal.stream;

import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Statistics;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.SessionGate;

/**
 * A handle on a network endpoint (a connection, a listener, a UDP socket, a bridge): an
 * {@link ObjectType#ENDPOINT} with its id, its name, its owner and permissions that are fixed
 * when it opens, and the owner's action when it closes. Its closed and session state and its
 * grant are the {@link org.multios.ipc.spi.GuardedHandle} rules.
 */
public abstract class EndpointHandle extends FramedHandle {
    private final long id;
    private final String name;
    private final CallerContext owner;
    private final Permissions permissions;
    private final String fixedPermissions;

    /**
     * @param name             the endpoint's name ({@link #name()})
     * @param owner            the process that holds the handle
     * @param permissions      what {@link #info()} shows, fixed when the endpoint opened
     * @param fixedPermissions why {@link #setPermissions} refuses: {@code a connection has no permissions to change}
     * @param session          the owner's session of the mechanism: the handle closes with it
     * @param grant            the rights the handle was granted (registered for revocation)
     */
    protected EndpointHandle(long id, String name, CallerContext owner, Permissions permissions,
            String fixedPermissions, SessionGate session, Grant grant) {
        super(owner, session, grant);
        this.id = id;
        this.name = name;
        this.owner = owner;
        this.permissions = permissions;
        this.fixedPermissions = fixedPermissions;
    }

    /** What {@link #info()} shows as the capacity (buffer bytes, connections, datagram size). */
    protected abstract long capacity();

    /** The endpoint's counters now, as {@link #info()} shows them. */
    protected abstract Statistics currentStatistics();

    @Override
    public final ObjectType type() {
        return ObjectType.ENDPOINT;
    }

    @Override
    public final long id() {
        return id;
    }

    @Override
    public final Optional<String> name() {
        return Optional.of(name);
    }

    @Override
    public final ObjectInfo info() {
        return new ObjectInfo(ObjectType.ENDPOINT, id, name(), owner.process(), permissions, capacity(), false,
                currentStatistics());
    }

    /** @throws IpcException CLOSED if closed, else INVALID_ARGUMENT: an endpoint's permissions are fixed */
    @Override
    public final void setPermissions(Permissions changed) {
        checkOpen();
        throw IpcException.invalidArgument(describe() + ": " + fixedPermissions);
    }
}
