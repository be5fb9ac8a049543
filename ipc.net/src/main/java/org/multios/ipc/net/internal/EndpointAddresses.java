package org.multios.ipc.net.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.RootEndpoints;
import org.multios.ipc.net.Transport;

/**
 * Where the network mechanism's endpoints are: a Unix endpoint's socket file (its absolute
 * path, or its name in the endpoint directory of the IPC root) and a stream endpoint's socket
 * address. The IPC root and its endpoint directory are trusted as for every other kind
 * ({@link ObjectDirectory#verifyDirectories()}): a listener binds, and a client connects, only
 * in a real directory of this OS user that no other user can write, so nobody else can put a
 * socket of theirs, or a link, under an endpoint's name. A socket named in the root has one
 * text, its name ({@link #named}).
 */
final class EndpointAddresses {
    private final Supplier<IpcEnvironment> environment;
    /** The endpoints of the root used last (the real folders of the root are read once per root). */
    private volatile RootEndpoints rootEndpoints;

    /** @param environment the mechanism's environment as it is now (it may change) */
    EndpointAddresses(Supplier<IpcEnvironment> environment) {
        this.environment = environment;
    }

    /**
     * The endpoint in its one text, which security rules and handles' names use: a Unix path to a
     * socket file right in the root's endpoint directory is written as its name
     * ({@link RootEndpoints#named}); any other endpoint is returned as it is.
     */
    Endpoint named(Endpoint endpoint) {
        if (endpoint.transport() != Transport.UNIX || endpoint.isNamedInIpcRoot()) {
            return endpoint;
        }
        Path root = environment.get().root();
        RootEndpoints r = rootEndpoints;
        if (r == null || !r.root().equals(root)) {
            r = new RootEndpoints(root);
            rootEndpoints = r;
        }
        return r.named(endpoint);
    }

    /**
     * The socket file of a Unix endpoint (null for TCP): its absolute path, or its name in the IPC
     * root, whose endpoint directory is made first if {@code create} (a listener binds there).
     *
     * @throws IpcException PERMISSION_DENIED if the IPC root or the endpoint directory is a link,
     *         another user's or writable by others; IO_ERROR if it cannot be made
     */
    Path socketFile(Endpoint endpoint, boolean create) {
        if (endpoint.transport() != Transport.UNIX) {
            return null;
        }
        if (!endpoint.isNamedInIpcRoot()) {
            return Path.of(endpoint.path());
        }
        ObjectDirectory dir = new ObjectDirectory(environment.get(), ObjectType.ENDPOINT);
        if (create) {
            dir.prepareDirectories();
        } else {
            dir.verifyDirectories();
        }
        Path path = dir.directory().resolve(endpoint.path());
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > Endpoint.MAX_UNIX_PATH_BYTES) {
            throw IpcException.invalidArgument("unix endpoint " + endpoint + ": its socket file " + path + " passes "
                    + Endpoint.MAX_UNIX_PATH_BYTES + " bytes");
        }
        return path;
    }

    /**
     * The socket address of a stream endpoint.
     *
     * @throws IpcException IO_ERROR if its host cannot be resolved; as {@link #socketFile}
     */
    SocketAddress address(Endpoint endpoint) {
        if (endpoint.transport() == Transport.UNIX) {
            return UnixDomainSocketAddress.of(socketFile(endpoint, false));
        }
        InetSocketAddress a = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (a.isUnresolved()) {
            throw new IpcException(IpcError.IO_ERROR, "cannot resolve the host of " + endpoint);
        }
        return a;
    }
}
