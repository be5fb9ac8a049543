package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.Endpoint;

/**
 * The rule for the folder a listener's Unix socket file is made in, at an absolute path: the
 * folder (its real path) and every folder above it belong to this OS user or root, and none may
 * be written by another user unless it has the sticky bit (as {@code /tmp}). In such a folder no
 * other user can rename or remove the socket file between its bind, its chmod and its unlink,
 * nor replace the folder itself, so the socket file's name stays ours while we use it by name.
 */
final class SocketFolder {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    private SocketFolder() {
    }

    /**
     * The socket file to bind: {@code socketFile}'s name in the real path of its folder.
     *
     * @throws IpcException PERMISSION_DENIED naming the first folder that breaks the rule;
     *         NOT_FOUND if the folder does not exist
     */
    static Path trusted(Endpoint endpoint, Path socketFile) throws IOException {
        Path folder;
        try {
            folder = socketFile.toAbsolutePath().getParent().toRealPath();
        } catch (NoSuchFileException e) {
            throw new IpcException(IpcError.NOT_FOUND, "cannot listen on " + endpoint + ": its folder "
                    + socketFile.getParent() + " does not exist");
        }
        for (Path d = folder; d != null; d = d.getParent()) {
            String problem = problem(d);
            if (problem != null) {
                throw new IpcException(IpcError.PERMISSION_DENIED, "cannot listen on " + endpoint + ": the folder "
                        + d + " " + problem + "; a socket file is made only where no other user can replace it"
                        + " (folders of " + LocalIdentity.user() + " or root, written by no one else unless sticky)");
            }
        }
        return folder.resolve(socketFile.getFileName());
    }

    private static String problem(Path d) throws IOException {
        Map<String, Object> a = Files.readAttributes(d, "unix:mode,uid,owner", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        String owner = ((UserPrincipal) a.get("owner")).getName();
        if (!owner.equals(LocalIdentity.user()) && (Integer) a.get("uid") != 0) {
            return "belongs to " + owner;
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
            return "(mode " + String.format("%04o", mode & 07777) + ") may be written by other users and has no sticky bit";
        }
        return null;
    }
}
