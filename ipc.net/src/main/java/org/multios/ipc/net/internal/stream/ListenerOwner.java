package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
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
    /** Root's uid, which the JDK's lookup takes as a number where no user has it as a name. */
    private static final String ROOT_UID = "0";

    private ListenerOwner() {
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
        if (!user.equals(LocalIdentity.user()) && !allowed.contains(user) && !sameUserAsOneOf(listener, allowed)) {
            throw refused(endpoint, "the process listening there runs as " + user + ", not as " + LocalIdentity.user()
                    + " or root, and " + user + " is not in unix.peer.users");
        }
    }

    /**
     * Whether {@code listener} is root or one of {@code users} by uid: the JDK's principals are
     * equal when their uids are, and its lookup takes a number that names no user as a uid.
     * A name that names no user matches nobody.
     */
    private static boolean sameUserAsOneOf(UserPrincipal listener, Set<String> users) {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        if (is(lookup, ROOT_UID, listener)) {
            return true;
        }
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
