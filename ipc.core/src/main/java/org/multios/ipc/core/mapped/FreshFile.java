package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.posix.Posix;

/**
 * A hidden temporary file just made in a directory, opened once without following a link and
 * checked to be that file (a regular file of this OS user, empty, with no other name), then
 * reached through its descriptor only ({@link #file()}, {@code /proc/self/fd/<n>}): in a root
 * shared with a group, a member may write the directory and swap the temporary name for a link
 * meanwhile. Closing it closes the descriptor and deletes the temporary name unless it was
 * {@link #moved()} away.
 */
final class FreshFile implements AutoCloseable {
    private final Path name;
    private final int fd;
    private boolean moved;

    private FreshFile(Path name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * Makes {@code <prefix><random>.tmp} in {@code directory} and opens it; {@code hook} (tests,
     * may be null) runs with its name before it is opened.
     *
     * @throws IpcException BUSY naming {@code what} if the name no longer leads to the file made
     */
    static FreshFile make(Path directory, String prefix, String what, Consumer<Path> hook,
            FileAttribute<?>... attributes) throws IOException {
        Path temp = Files.createTempFile(directory, prefix, ".tmp", attributes);
        try {
            if (hook != null) {
                hook.accept(temp);
            }
            return new FreshFile(temp, open(temp, what));
        } catch (IOException | RuntimeException e) {
            ObjectDirectory.deleteQuietly(temp);
            throw e;
        }
    }

    private static int open(Path temp, String what) throws IOException {
        int fd = Posix.openNoFollow(temp, true);
        if (fd < 0) {
            throw replaced(what, temp, Posix.strerror(-fd));
        }
        try {
            Map<String, Object> a = Files.readAttributes(descriptor(fd), "unix:uid,nlink,size,mode");
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            boolean regular = ((Integer) a.get("mode") & 0170000) == 0100000;
            if (!regular || !a.get("uid").equals(self) || (Integer) a.get("nlink") != 1 || (Long) a.get("size") != 0) {
                throw replaced(what, temp, a.toString());
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    private static IpcException replaced(String what, Path temp, String why) {
        return new IpcException(IpcError.BUSY, what + ": its new file " + temp + " was replaced while it was "
                + "being made (" + why + ")");
    }

    private static Path descriptor(int fd) {
        return Path.of("/proc/self/fd", Integer.toString(fd));
    }

    /** The temporary name, for linking or moving the file to its own once it is complete. */
    Path name() {
        return name;
    }

    /** The file itself, through its descriptor. */
    Path file() {
        return descriptor(fd);
    }

    /** Says the temporary name was moved to the file's own: closing leaves it. */
    void moved() {
        moved = true;
    }

    @Override
    public void close() {
        Posix.close(fd);
        if (!moved) {
            ObjectDirectory.deleteQuietly(name);
        }
    }
}
