package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * What a socket on an endpoint reaches, found once, and the one rule for deciding it. Security
 * rules match an endpoint's text, and a text is not the socket the kernel reaches: a DNS name
 * reaches the addresses it resolves to, a Unix path the file the kernel finds through links. So a
 * handle is decided on its endpoint's text and on the text of each thing it may reach (every
 * address of the one lookup, {@code tcp://10.0.0.5:5432}; the socket file's real path), each as an
 * endpoint of its own, and every decision must grant: a deny rule on any text wins, and an allow
 * rule covers its own text only (an allow on an address does not cover a name that resolves to
 * it, nor an allow on a name the addresses it resolves to). The socket then uses exactly what was
 * decided (an address of that lookup, the real path), never a second lookup: a DNS answer that
 * changes between the decision and the connect is not used; a client's socket file is the very
 * file decided, by its identity, whatever its path names by the connect ({@link HeldSocketFile}).
 * Immutable.
 *
 * @param endpoint the endpoint in its one text
 * @param reached  the texts of what it reaches other than its own text, each once, in order
 * @param address  the address the socket uses (for a listener's Unix socket, its file as named)
 * @param file     the identity of a client's socket file as decided; null if nothing was there,
 *                 and for any other reach
 */
public record Reach(Endpoint endpoint, List<String> reached, SocketAddress address, SocketFiles.Id file) {

    /** The reach of an address the endpoint names itself (a literal, a listener in the IPC root). */
    public static Reach itself(Endpoint endpoint, SocketAddress address) {
        return new Reach(endpoint, List.of(), address, null);
    }

    /**
     * The reach of a TCP or UDP endpoint: its host looked up once (a final dot kept: an absolute
     * name, not tried in the resolver's search domains); the socket uses the first address, or the
     * first of the family {@code ipv6} asks for.
     *
     * @param ipv6   true for an IPv6 address if there is one, false for IPv4, null for the first
     * @param target true for an address to connect or send to, which may not be the wildcard address
     * @throws IpcException IO_ERROR if the host has no address; INVALID_ARGUMENT naming the
     *         address if a target's host resolves to the wildcard address
     */
    public static Reach host(Endpoint endpoint, HostLookup lookup, Boolean ipv6, boolean target) {
        InetAddress[] all;
        try {
            all = lookup.addresses(endpoint.host());
        } catch (UnknownHostException | SecurityException e) {
            throw new IpcException(IpcError.IO_ERROR, "cannot resolve the host of " + endpoint, e);
        }
        if (all == null || all.length == 0) {
            throw new IpcException(IpcError.IO_ERROR, "cannot resolve the host of " + endpoint + ": no address");
        }
        InetAddress used = all[0];
        Set<String> texts = new LinkedHashSet<>();
        texts.add(endpoint.ruleText()); // the name without its final dot: revoking either reaches the handle
        for (InetAddress a : all) {
            Endpoint e = new Endpoint(endpoint.transport(), a.getHostAddress(), endpoint.port(), "");
            if (target && e.isWildcard()) {
                throw IpcException.invalidArgument("cannot reach " + endpoint + ": its host resolves to the wildcard"
                        + " address " + a.getHostAddress() + ", which names no host");
            }
            texts.add(e.toString());
            if (ipv6 != null && (a instanceof Inet6Address) == ipv6
                    && (used instanceof Inet6Address) != ipv6) {
                used = a;
            }
        }
        texts.remove(endpoint.toString());
        return new Reach(endpoint, List.copyOf(texts), new InetSocketAddress(used, endpoint.port()), null);
    }

    /**
     * The reach of a socket named in the IPC root, whose file is {@code file}: that file must have
     * one name ({@link #requireOneName}); if a listener of the mechanism bound it under another
     * endpoint (the file was renamed since), that listener's texts are more texts.
     *
     * @throws IpcException INVALID_ARGUMENT if the file has more than one name
     */
    public static Reach rootFile(Endpoint endpoint, Path file, SocketFiles files) {
        Set<String> texts = new LinkedHashSet<>();
        SocketFiles.Id id = requireOneName(file, endpoint, false);
        files.boundTo(id).forEach(e -> texts.add(e.toString()));
        texts.remove(endpoint.toString());
        return new Reach(endpoint, List.copyOf(texts), UnixDomainSocketAddress.of(file), id);
    }

    /**
     * The reach of a Unix socket at an absolute path: the real path of its file as the kernel
     * resolves it now (for a file not there yet, as a listener's, its folder's real path and its
     * name) is one more text, in the one text {@code named} gives it (a file in the IPC root's
     * endpoint folder by its name, so that revoking that name reaches the handle). A client
     * connects to the file decided at that real path ({@link #file}), which must have one name
     * ({@link #requireOneName}); if a listener of the mechanism bound that file under another
     * endpoint (it was renamed since), that listener's texts are more texts. A listener binds in
     * its folder's real path ({@link SocketFolder}).
     *
     * @param listen true for a listener's file, which is not followed if it is a link
     * @param named  the endpoint in its one text, as handles' grants are registered under it
     * @param files  the socket files the mechanism's listeners bound
     * @throws IpcException INVALID_ARGUMENT if a client's real path is longer than a socket address
     *         holds, if the real path cannot be read though the file (folder) is there, or if a
     *         client's socket file has more than one name
     */
    public static Reach unixPath(Endpoint endpoint, boolean listen, UnaryOperator<Endpoint> named,
            SocketFiles files) {
        Path given = Path.of(endpoint.path());
        Path real = real(given, listen, endpoint);
        Set<String> texts = new LinkedHashSet<>();
        SocketFiles.Id id = null;
        if (real != null) {
            texts.add(named.apply(Endpoint.unix(real.toString())).toString());
            if (!listen) {
                id = requireOneName(real, endpoint, true);
                files.boundTo(id).forEach(e -> texts.add(named.apply(e).toString()));
            }
        }
        texts.remove(endpoint.toString());
        Path used = listen || real == null ? given : real;
        if (!used.equals(given)
                && used.toString().getBytes(StandardCharsets.UTF_8).length > Endpoint.MAX_UNIX_PATH_BYTES) {
            throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file's real path "
                    + real + " passes " + Endpoint.MAX_UNIX_PATH_BYTES + " bytes");
        }
        return new Reach(endpoint, List.copyOf(texts), UnixDomainSocketAddress.of(used), id);
    }

    /**
     * Refuses a client's socket file that has more than one name. Rules name a socket by a path,
     * and a hard link is a real path of its own: through a link made anywhere on the file system
     * ({@code ln <root>/endpoint/admin /tmp/x}) the kernel reaches the socket that a rule denies by
     * its other name, and no name shows the others. The file is held ({@link HeldSocketFile},
     * without following a link: the real path has none; a link there now is a swap, refused too)
     * and read through its descriptor, so that its names and its identity are those of one file;
     * for a real path, that file must still be at that path (a folder swapped between the real
     * path's reading and this one would lead elsewhere).
     *
     * @param file the file the socket connects to
     * @param real true if {@code file} is a real path, which the file held must still have
     * @return the file's identity; null if nothing is there (the connect fails on its own)
     * @throws IpcException INVALID_ARGUMENT naming the endpoint and the file if it has more than
     *         one name, is a link, is at another path now, or its names cannot be counted; as
     *         {@link HeldSocketFile#open}
     */
    static SocketFiles.Id requireOneName(Path file, Endpoint endpoint, boolean real) {
        try (HeldSocketFile held = HeldSocketFile.open(file, endpoint)) {
            if (held == null) {
                return null;
            }
            if (held.isLink) {
                throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file " + file
                        + " became a link while it was decided");
            }
            if (held.names > 1) {
                throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file " + file
                        + " has " + held.names + " names (hard links); a rule may deny it by another of them, which"
                        + " no name shows, so what it reaches cannot be decided");
            }
            Path now = real ? held.path() : file;
            if (!now.equals(file)) {
                throw IpcException.invalidArgument("cannot connect to " + endpoint + ": its socket file " + file
                        + " moved while it was decided (the file found there is " + now + " now)");
            }
            return held.id;
        } catch (IOException e) {
            throw IpcException.invalidArgument("cannot connect to " + endpoint + ": the path of its socket file "
                    + file + " cannot be read (" + e.getMessage() + "), so what it reaches cannot be decided");
        }
    }

    /**
     * The path as the kernel resolves it now; null if nothing is there (the connect or bind fails
     * on its own).
     *
     * @throws IpcException INVALID_ARGUMENT where the file (a listener's: its folder) is there but
     *         its real path cannot be read (a chain of links longer than a path may be, a loop):
     *         the kernel may still reach it, so no rule could be checked against what it reaches
     */
    private static Path real(Path given, boolean listen, Endpoint endpoint) {
        boolean folder = listen; // resolved: the folder, to which the file's name is added
        Path resolved = listen ? given.getParent() : given;
        if (resolved == null || !Files.exists(resolved)) {
            resolved = given.getParent(); // a client's file not there: its folder, as a listener's
            if (resolved == null || !Files.isDirectory(resolved)) {
                return null;
            }
            folder = true;
        }
        try {
            Path real = resolved.toRealPath();
            return folder ? real.resolve(given.getFileName()) : real;
        } catch (NoSuchFileException e) {
            return null; // gone meanwhile: nothing to reach there
        } catch (IOException | SecurityException e) {
            throw IpcException.invalidArgument("cannot use " + endpoint + ": the real path of "
                    + (folder ? "its folder" : "its socket file") + " cannot be read (" + e.getMessage()
                    + "), so what it reaches cannot be decided");
        }
    }

    /**
     * Decides the caller's rights on each text reached, each as an endpoint of its own, and
     * registers {@code grant} (the one its endpoint's text was given) under each, so that revoking
     * the caller's handles on any of them reaches the handle.
     *
     * @throws IpcException PERMISSION_DENIED, audited, if the policy denies any of them
     */
    public void authorize(CallerContext caller, Grant grant, int mode, int requested) {
        Permissions permissions = Permissions.of(caller.process(), mode);
        for (String text : reached) {
            caller.authorize(ObjectType.ENDPOINT, text, permissions, requested);
            caller.register(ObjectType.ENDPOINT, text, grant);
        }
    }
}
