package org.multios.ipc.net;

import org.multios.ipc.IpcObject;
import org.multios.ipc.ObjectType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A named queue or channel of this machine exported on a network endpoint, so that processes
 * elsewhere open it with {@link NetService#openRemoteQueue} or
 * {@link NetService#openRemoteChannel} and use it as if it were local
 * ({@link org.multios.ipc.ObjectType#ENDPOINT}).
 *
 * <p><b>Access.</b> Each remote peer acts as its authenticated identity: every open through
 * the bridge is authorized against the exported object's permissions and the policy for that
 * identity, and is further limited to the rights of the exporter's own handle. So exporting
 * never gives a peer more than it would get locally, nor more than the exporter holds.
 *
 * <p>Closing the bridge stops accepting and closes every remote handle opened through it (the
 * remote sides then get CLOSED or BROKEN_PIPE); the exported object itself is untouched.
 */
@ProviderType
public interface Bridge extends IpcObject {
    /**
     * The endpoint the bridge listens on, with the actual port if port 0 was asked for; a socket
     * file in the IPC root's endpoint directory by its name ({@link RootEndpoints#named}).
     */
    Endpoint endpoint();

    /** The kind of the exported object: {@link ObjectType#QUEUE} or {@link ObjectType#CHANNEL}. */
    ObjectType exportedType();

    /** The exported object's name. */
    String exportedName();

    /** Remote handles open through the bridge now. */
    int connectionCount();
}
