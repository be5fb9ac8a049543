package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.Endpoint;

/**
 * The rule for whom a client talks to at an absolute Unix path ({@code unix:/dir/x.sock}):
 * once the socket is connected, and before a byte is sent, the kernel's record of the process
 * that listens there ({@code SO_PEERCRED}, taken when it called {@code listen}) must name this
 * OS user, root (uid 0), or a user the operator allows ({@code unix.peer.users}: user names or
 * numeric uids, compared by uid). Whoever could put a socket under the name first (anyone, in a
 * sticky folder such as {@code /tmp}) thus gets a connection and nothing on it. Names in the IPC
 * root need no such check: only this user can bind in its endpoint directory.
 */
final class ListenerOwner {
    /** This process's user, by uid (the owner of {@code /proc/self}); null where that cannot be read. */
    private static final UserPrincipal SELF = principal(() -> Files.getOwner(Path.of("/proc/self")));
    /** Root, by uid: the JDK's lookup takes a number that names no user as a uid. */
    private static final UserPrincipal ROOT = principal(() -> lookup().lookupPrincipalByName("0"));

    private ListenerOwner() {
    }

    private interface PrincipalSource {
        UserPrincipal get() throws IOException;
    }

    private static UserPrincipal principal(PrincipalSource source) {
        try {
            return source.get();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static UserPrincipalLookupService lookup() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }

    /**
     * Checks who listens at the other end of {@code channel}.
     *
     * @param allowed users (names or uids) besides this one and root whose listeners may be reached
     * @throws IpcException PERMISSION_DENIED naming the path and the listening user (or why it
     *         could not be learnt)
     */
    static void check(Endpoint endpoint, SocketChannel channel, Set<String> allowed) {
        UserPrincipal listener;
        try {
            listener = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(endpoint, "the listening process's user cannot be learnt (" + e.getMessage() + ")");
        }
        String user = listener.getName();
        boolean self = SELF != null ? listener.equals(SELF) : user.equals(LocalIdentity.user());
        boolean root = ROOT != null ? listener.equals(ROOT) : user.equals("root");
        if (!self && !root && !sameUserAsOneOf(listener, allowed)) {
            throw refused(endpoint, "the process listening there runs as " + user + ", not as " + LocalIdentity.user()
                    + " or root, and " + user + " is not in unix.peer.users");
        }
    }

    /**
     * Whether {@code listener} is one of {@code users} by uid, never by name alone: the JDK's
     * principals are equal when their uids are, and its lookup takes a number that names no user
     * as a uid. A name that names no user matches nobody. Looked up only for a listener that is
     * neither this user nor root.
     */
    private static boolean sameUserAsOneOf(UserPrincipal listener, Set<String> users) {
        UserPrincipalLookupService lookup = lookup();
        for (String user : users) {
            if (is(lookup, user, listener)) {
                return true;
            }
        }
        return false;
    }

    private static boolean is(UserPrincipalLookupService lookup, String user, UserPrincipal listener) {
        try {
            return lookup.lookupPrincipalByName(user).equals(listener);
        } catch (IOException e) {
            return false;
        }
    }

    private static IpcException refused(Endpoint endpoint, String why) {
        return new IpcException(IpcError.PERMISSION_DENIED, "connection to " + endpoint + " refused before sending: "
                + why);
    }
}
