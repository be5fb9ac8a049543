package org.multios.ipc.net.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.multios.ipc.net.internal.stream.HostLookup;
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.net.internal.stream.SocketFiles;

/**
 * Where the network mechanism's endpoints are: a Unix endpoint's socket file (its absolute
 * path, or its name in the endpoint directory of the IPC root) and a stream endpoint's socket
 * address. The IPC root and its endpoint directory are trusted as for every other kind
 * ({@link ObjectDirectory#verifyDirectories()}): a listener binds, and a client connects, only
 * in a real directory of this OS user that no other user can write, so nobody else can put a
 * socket of theirs, or a link, under an endpoint's name; a link this user made there (a bundle
 * can) is not followed by a client, a hard link is refused, and a listener's file renamed is
 * decided on its listener's endpoint too ({@link #target}). A socket named in the root has one
 * text, its name ({@link #named}).
 */
final class EndpointAddresses {
    private final Supplier<IpcEnvironment> environment;
    private final Supplier<HostLookup> lookup;
    /** The endpoints of the root used last (the real folders of the root are read once per root). */
    private volatile RootEndpoints rootEndpoints;
    private final SocketFiles files = new SocketFiles();

    /**
     * @param environment the mechanism's environment as it is now (it may change)
     * @param lookup      how hosts are looked up now
     */
    EndpointAddresses(Supplier<IpcEnvironment> environment, Supplier<HostLookup> lookup) {
        this.environment = environment;
        this.lookup = lookup;
    }

    /** The socket files the mechanism's listeners bound. */
    SocketFiles files() {
        return files;
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
     * What a connection or a remote object's handle on a stream endpoint reaches, found once
     * ({@link Reach}): a socket named in the IPC root reaches its file there; a Unix path the
     * real path of its file (in its one text: a file in the root by its name); a host every
     * address of one lookup, the first one used. A socket file must have one name, and one a
     * listener of the mechanism bound is decided on that listener's texts too ({@link SocketFiles}).
     *
     * @throws IpcException IO_ERROR if its host cannot be resolved; INVALID_ARGUMENT if it
     *         resolves to the wildcard address, or if its socket file has more than one name;
     *         PERMISSION_DENIED if a name in the IPC root is a link (no listener makes one, and it
     *         could lead to any socket); as {@link #socketFile}
     */
    Reach target(Endpoint endpoint) {
        if (endpoint.transport() != Transport.UNIX) {
            return Reach.host(endpoint, lookup.get(), null, true);
        }
        if (endpoint.isNamedInIpcRoot()) {
            Path file = socketFile(endpoint, false);
            if (Files.isSymbolicLink(file)) {
                throw new IpcException(IpcError.PERMISSION_DENIED, "unix endpoint " + endpoint + ": its file " + file
                        + " in the IPC root is a link, which no listener makes; it is not followed");
            }
            return Reach.rootFile(endpoint, file, files);
        }
        return Reach.unixPath(endpoint, false, this::named, files);
    }

    /**
     * What a listener or a UDP socket on an endpoint (in its one text) binds: a host's addresses
     * of one lookup, the first one bound; a Unix path's file in its folder's real path, one more
     * text; a socket named in the IPC root, its name.
     *
     * @throws IpcException IO_ERROR if its host cannot be resolved
     */
    Reach listening(Endpoint endpoint) {
        if (endpoint.transport() != Transport.UNIX) {
            return Reach.host(endpoint, lookup.get(), null, false);
        }
        if (endpoint.isNamedInIpcRoot()) {
            return Reach.itself(endpoint, null); // bound in the root's endpoint directory (socketFile)
        }
        return Reach.unixPath(endpoint, true, this::named, files);
    }
}
