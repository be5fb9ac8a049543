package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;

/**
 * A server socket bound to an endpoint: TCP on its address and port, or a Unix-domain socket
 * file. A Unix socket file is made under a temporary name, given its mode, then linked to its
 * name (so it never exists with a wider mode, and an existing file is never replaced); a stale
 * socket file of this OS user, one nobody listens on any more, is removed first. At an absolute
 * path the folder must pass {@link SocketFolder}; the socket file is given its mode and removed
 * only while it is still the socket this listener bound (same inode). The file is known to the
 * mechanism's {@link SocketFiles} while the listener is open.
 *
 * @param channel    the bound server socket
 * @param endpoint   the endpoint as bound (with the actual port)
 * @param socketFile the Unix socket's file, removed by {@link #close()}
 * @param socketId   the identity of that file when bound (null for TCP)
 * @param files      where the mechanism knows its listeners' socket files
 */
public record BoundSocket(ServerSocketChannel channel, Endpoint endpoint, Optional<Path> socketFile,
        SocketFiles.Id socketId, SocketFiles files) {
    private static final int BACKLOG = 128;

    /**
     * Binds a server socket.
     *
     * @param path    the socket file of a Unix endpoint (resolved in the IPC root for names)
     * @param address the address a TCP endpoint binds, of the lookup its access was decided on
     *                ({@link Reach}); null for a Unix endpoint
     * @param files   where the mechanism knows its listeners' socket files: a Unix socket's is added
     * @throws IpcException ALREADY_EXISTS if the address is in use; PERMISSION_DENIED if the
     *         operating system refuses; IO_ERROR otherwise
     */
    public static BoundSocket bind(Endpoint endpoint, Path path, SocketAddress address, int socketMode,
            SocketFiles files) {
        try {
            return endpoint.transport() == Transport.UNIX ? bindUnix(endpoint, path, socketMode, files)
                    : bindTcp(endpoint, address, files);
        } catch (BindException e) {
            throw failure(endpoint, e, IpcError.ALREADY_EXISTS);
        } catch (java.nio.file.AccessDeniedException e) {
            throw failure(endpoint, e, IpcError.PERMISSION_DENIED);
        } catch (IOException e) {
            IpcError error = String.valueOf(e.getMessage()).contains("Permission denied") ? IpcError.PERMISSION_DENIED
                    : IpcError.IO_ERROR;
            throw failure(endpoint, e, error);
        }
    }

    private static IpcException failure(Endpoint endpoint, IOException e, IpcError error) {
        return new IpcException(error, "cannot listen on " + endpoint + ": " + e.getMessage(), e);
    }

    private static BoundSocket bindTcp(Endpoint endpoint, SocketAddress address, SocketFiles files)
            throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(address, BACKLOG);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            return new BoundSocket(channel, endpoint.withPort(port), Optional.empty(), null, files);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static BoundSocket bindUnix(Endpoint endpoint, Path named, int socketMode, SocketFiles files)
            throws IOException {
        Path path = endpoint.isNamedInIpcRoot() ? named : SocketFolder.trusted(endpoint, named);
        removeIfStale(endpoint, path);
        Path temporary = path.resolveSibling("." + path.getFileName() + "." + Long.toHexString(
                ThreadLocalRandom.current().nextLong()));
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        SocketFiles.Id id = null;
        try {
            channel.bind(UnixDomainSocketAddress.of(temporary), BACKLOG);
            try {
                id = ourSocket(endpoint, temporary);
                files.add(id, endpoint, path); // before its name shows it: a client decides it on the listener's texts
                Files.setPosixFilePermissions(temporary, posix(socketMode));
                Files.createLink(path, temporary);
            } finally {
                Files.deleteIfExists(temporary);
            }
            return new BoundSocket(channel, endpoint, Optional.of(path), id, files);
        } catch (FileAlreadyExistsException e) {
            forget(files, id, endpoint);
            channel.close();
            throw IpcException.alreadyExists(ObjectType.ENDPOINT, endpoint.toString());
        } catch (IOException | RuntimeException e) {
            forget(files, id, endpoint);
            channel.close();
            throw e;
        }
    }

    private static void forget(SocketFiles files, SocketFiles.Id id, Endpoint endpoint) {
        if (id != null) {
            files.remove(id, endpoint);
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> posix(int mode) {
        StringBuilder text = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            text.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    /** The identity of a socket file this process just bound, read without following links. */
    private static SocketFiles.Id ourSocket(Endpoint endpoint, Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,owner,dev,ino", LinkOption.NOFOLLOW_LINKS);
        if (!isSocket(a) || !ownedByUs(a)) {
            throw new IpcException(IpcError.PERMISSION_DENIED, "cannot listen on " + endpoint + ": " + file
                    + " was replaced after the bind");
        }
        return new SocketFiles.Id((Long) a.get("dev"), (Long) a.get("ino"));
    }

    private static boolean isSocket(Map<String, Object> a) {
        return ((Integer) a.get("mode") & 0170000) == 0140000;
    }

    private static boolean ownedByUs(Map<String, Object> a) {
        return ((UserPrincipal) a.get("owner")).getName().equals(LocalIdentity.user());
    }

    /**
     * Removes a socket file of this OS user that nobody listens on; leaves anything else for the
     * bind to refuse.
     */
    private static void removeIfStale(Endpoint endpoint, Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,owner", LinkOption.NOFOLLOW_LINKS);
        if (!isSocket(a)) {
            throw new IpcException(IpcError.ALREADY_EXISTS, "cannot listen on " + endpoint + ": " + path
                    + " exists and is not a socket");
        }
        if (!ownedByUs(a)) {
            throw new IpcException(IpcError.ALREADY_EXISTS, "cannot listen on " + endpoint + ": " + path
                    + " exists and is another user's socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw IpcException.alreadyExists(ObjectType.ENDPOINT, endpoint.toString());
        } catch (java.net.ConnectException refused) {
            Files.deleteIfExists(path);
        }
    }

    /**
     * Closes the server socket and removes its socket file if that is still the socket bound
     * here: a file someone put under the name since is left alone.
     */
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        forget(files, socketId, endpoint);
        socketFile.ifPresent(p -> {
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,ino", LinkOption.NOFOLLOW_LINKS);
                if (isSocket(a) && (Long) a.get("ino") == socketId.inode()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // gone, or left for the next listener to find stale
            }
        });
    }
}
