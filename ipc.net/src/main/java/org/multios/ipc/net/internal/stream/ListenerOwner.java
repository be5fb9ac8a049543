package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.Endpoint;

/**
 * The rule for whom a client talks to at an absolute Unix path ({@code unix:/dir/x.sock}):
 * once the socket is connected, and before a byte is sent, the kernel's record of the process
 * that listens there ({@code SO_PEERCRED}, taken when it called {@code listen}) must name this
 * OS user, root, or a user the operator allows ({@code unix.peer.users}). Whoever could put a
 * socket under the name first (anyone, in a sticky folder such as {@code /tmp}) thus gets a
 * connection and nothing on it. Names in the IPC root need no such check: only this user can
 * bind in its endpoint directory.
 */
final class ListenerOwner {
    private static final String ROOT = "root";

    private ListenerOwner() {
    }

    /**
     * Checks who listens at the other end of {@code channel}.
     *
     * @param allowed users besides this one and root whose listeners may be reached
     * @throws IpcException PERMISSION_DENIED naming the path and the listening user (or why it
     *         could not be learnt)
     */
    static void check(Endpoint endpoint, SocketChannel channel, Set<String> allowed) {
        String user;
        try {
            user = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            throw refused(endpoint, "the listening process's user cannot be learnt (" + e.getMessage() + ")");
        }
        if (!user.equals(LocalIdentity.user()) && !user.equals(ROOT) && !allowed.contains(user)) {
            throw refused(endpoint, "the process listening there runs as " + user + ", not as " + LocalIdentity.user()
                    + " or root, and " + user + " is not in unix.peer.users");
        }
    }

    private static IpcException refused(Endpoint endpoint, String why) {
        return new IpcException(IpcError.PERMISSION_DENIED, "connection to " + endpoint + " refused before sending: "
                + why);
    }
}
