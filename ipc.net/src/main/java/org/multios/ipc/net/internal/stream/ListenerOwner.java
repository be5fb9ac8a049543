package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

/**
 * The rule for whom a client talks to at an absolute Unix path ({@code unix:/dir/x.sock}):
 * once the socket is connected, and before a byte is sent, the kernel's record of the process
 * that listens there ({@code SO_PEERCRED}, taken when it called {@code listen}) must name this
 * OS user, root (uid 0), or a user the operator allows ({@code unix.peer.users}: user names or
 * numeric uids, compared by uid). Whoever could put a socket under the name first (anyone, in a
 * sticky folder such as {@code /tmp}) thus gets a connection and nothing on it. Names in the IPC
 * root need no such check: only this user can bind in its endpoint directory.
 *
 * <p>The check runs on the reactor thread, so it looks no user up: the allowed users were looked
 * up when the settings were made ({@link ListenerUsers}), and it compares uids.
 */
final class ListenerOwner {
    private ListenerOwner() {
    }

    /**
     * Checks who listens at the other end of {@code channel}.
     *
     * @param allowed the users whose listeners may be reached, looked up already
     * @throws IpcException PERMISSION_DENIED naming the path and the listening user (or why it
     *         could not be learnt)
     */
    static void check(Endpoint endpoint, SocketChannel channel, ListenerUsers allowed) {
        UserPrincipal listener;
        try {
            listener = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(endpoint, "the listening process's user cannot be learnt (" + e.getMessage() + ")");
        }
        if (!allowed.admits(listener)) {
            String user = listener.getName();
            throw refused(endpoint, "the process listening there runs as " + user + ", not as " + allowed.selfName()
                    + " or root, and " + user + " is not in unix.peer.users" + allowed.unresolvedNote());
        }
    }

    private static IpcException refused(Endpoint endpoint, String why) {
        return new IpcException(IpcError.PERMISSION_DENIED, "connection to " + endpoint + " refused before sending: "
                + why);
    }
}
