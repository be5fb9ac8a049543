package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.posix.Posix;
import org.multios.ipc.net.Endpoint;

/**
 * A client's Unix socket file held by a descriptor that only names it ({@link Posix#openPath}:
 * a link in its last component is held itself, not followed). What the descriptor names stays
 * that one file whatever is renamed, linked or swapped on its path afterwards: its type, names
 * and identity are read through it ({@code stat} of {@code /proc/self/fd/<n>}, the kernel's link
 * to the very file: the {@code fstat} of the descriptor), its path is the one the kernel has for
 * it now, and a socket connected to {@link #address} reaches that file, never what its path names
 * by then. So a socket file decided ({@link Reach}) is held again for the connect, checked to be
 * the file decided, and connected to through its descriptor ({@link #connecting}). Without
 * {@code /proc} no file can be held, and a connect by its path could reach another file: refused.
 * Closed once the connect is made (or failed).
 */
final class HeldSocketFile implements AutoCloseable {
    private static final String DESCRIPTORS = "/proc/self/fd/";
    private static final int TYPE = 0170000;
    private static final int LINK = 0120000;

    private final int fd;
    private final Path link;
    /** The file's identity, as read through the descriptor. */
    final SocketFiles.Id id;
    /** How many names (hard links) the file has. */
    final int names;
    /** Whether the file is a symbolic link (one that was on the path when it was held). */
    final boolean isLink;

    private HeldSocketFile(int fd, Map<String, Object> attributes) {
        this.fd = fd;
        this.link = Path.of(DESCRIPTORS + fd);
        this.id = new SocketFiles.Id((Long) attributes.get("dev"), (Long) attributes.get("ino"));
        this.names = (Integer) attributes.get("nlink");
        this.isLink = ((Integer) attributes.get("mode") & TYPE) == LINK;
    }

    /**
     * Holds the file at {@code file} (a link there is held itself).
     *
     * @return null if nothing is there
     * @throws IpcException INVALID_ARGUMENT naming the endpoint and the file if it cannot be
     *         opened (its folder is not one, cannot be searched); UNSUPPORTED if it cannot be read
     *         through its descriptor (no {@code /proc}) or there is no C library
     */
    static HeldSocketFile open(Path file, Endpoint endpoint) {
        int fd;
        try {
            fd = Posix.openPath(file);
        } catch (LinkageError noLibc) {
            throw new IpcException(IpcError.UNSUPPORTED, "cannot connect to " + endpoint + ": its socket file " + file
                    + " cannot be held open (" + noLibc + "), so a connect could reach another file");
        }
        if (fd == -Posix.ENOENT) {
            return null;
        }
        if (fd < 0) {
            throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file " + file
                    + " cannot be opened (" + Posix.strerror(-fd) + "), so what it reaches cannot be decided");
        }
        try {
            return new HeldSocketFile(fd, Files.readAttributes(Path.of(DESCRIPTORS + fd), "unix:mode,nlink,dev,ino"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            Posix.close(fd);
            throw new IpcException(IpcError.UNSUPPORTED, "cannot connect to " + endpoint + ": its socket file " + file
                    + " cannot be read through a descriptor (" + e + "; is /proc mounted?), so a connect could"
                    + " reach another file than the one decided");
        }
    }

    /**
     * The socket file a client's reach decided ({@link Reach#file}), held for its connect: the
     * file at its path now must be the very file decided (its device and inode; so not a link put
     * there since, nor a file renamed or hard-linked there) and still have one name.
     *
     * @return null for a reach of no Unix socket file
     * @throws IpcException NOT_FOUND if nothing was there when it was decided or is there now;
     *         PERMISSION_DENIED naming the endpoint and the file if another file is there now;
     *         INVALID_ARGUMENT if it has more than one name now; as {@link #open}
     */
    static HeldSocketFile connecting(Reach reach) {
        if (!(reach.address() instanceof UnixDomainSocketAddress unix)) {
            return null;
        }
        Endpoint endpoint = reach.endpoint();
        Path file = unix.getPath();
        HeldSocketFile held = reach.file() == null ? null : open(file, endpoint);
        if (held == null) {
            throw IpcException.notFound(ObjectType.ENDPOINT, endpoint.toString());
        }
        try {
            if (!held.id.equals(reach.file())) {
                throw new IpcException(IpcError.PERMISSION_DENIED, "cannot connect to " + endpoint + ": its socket"
                        + " file " + file + " was replaced " + (held.isLink ? "by a link" : "by another file")
                        + " since it was decided, and what is there now was not decided");
            }
            if (held.names > 1) {
                throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file " + file
                        + " has " + held.names + " names (hard links) since it was decided; a rule may deny it by"
                        + " another of them, which no name shows");
            }
            return held;
        } catch (IpcException e) {
            held.close();
            throw e;
        }
    }

    /** The path the kernel has for the file now ({@code (deleted)} added once it has none). */
    Path path() throws IOException {
        return Files.readSymbolicLink(link);
    }

    /** The address that reaches this very file: its descriptor's link in {@code /proc}. */
    UnixDomainSocketAddress address() {
        return UnixDomainSocketAddress.of(link);
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
