package org.multios.ipc.net.internal.stream;

import java.nio.file.attribute.UserPrincipal;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

import jdk.net.UnixDomainPrincipal;

/**
 * The rule for whom a client talks to at an absolute Unix path ({@code unix:/dir/x.sock}):
 * once the socket is connected, and before a byte is sent, the kernel's record of the process
 * that listens there ({@code SO_PEERCRED}, taken when it called {@code listen}) must name this
 * OS user, root (uid 0), or a user the operator allows ({@code unix.peer.users}: user names or
 * numeric uids, compared by uid). Whoever could put a socket under the name first (anyone, in a
 * sticky folder such as {@code /tmp}) thus gets a connection and nothing on it. Names in the IPC
 * root need no such check: only this user can bind in its endpoint directory.
 *
 * <p>The check runs on the reactor thread, so it looks no user up: the listener's credentials
 * were read by a thread of {@link PeerCredentials} (the JDK names the uid it reads), the allowed
 * users looked up when the settings were made ({@link ListenerUsers}), and it compares uids.
 */
final class ListenerOwner {
    private ListenerOwner() {
    }

    /**
     * Checks who listens at the other end of a connection to {@code endpoint}.
     *
     * @param listener its credentials ({@code SO_PEERCRED}, read off the reactor: {@link PeerCredentials})
     * @param allowed  the users whose listeners may be reached, looked up already
     * @throws IpcException PERMISSION_DENIED naming the path and the listening user
     */
    static void check(Endpoint endpoint, UnixDomainPrincipal listener, ListenerUsers allowed) {
        UserPrincipal user = listener.user();
        if (!allowed.admits(user)) {
            String name = user.getName();
            throw refused(endpoint, "the process listening there runs as " + name + ", not as " + allowed.selfName()
                    + " or root, and " + name + " is not in unix.peer.users" + allowed.unresolvedNote());
        }
    }

    private static IpcException refused(Endpoint endpoint, String why) {
        return new IpcException(IpcError.PERMISSION_DENIED, "connection to " + endpoint + " refused before sending: "
                + why);
    }
}
