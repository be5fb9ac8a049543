package org.multios.ipc.shm.mapped;

import java.nio.file.Path;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.osgi.annotation.versioning.ProviderType;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few POSIX calls the JDK does not offer, through JNA's libc binding. Each returns or
 * throws with the operating system's error, never crashes.
 */
@ProviderType
public final class Posix {
    private static final int O_RDWR = 2;
    private static final int ENOSPC = 28;

    private interface LibC extends Library {
        int open(String path, int flags);

        int close(int fd);

        int posix_fallocate(int fd, long offset, long length);

        String strerror(int errnum);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private Posix() {
    }

    /**
     * Reserves {@code length} bytes of storage for a file, so that writing to it through a
     * mapping never faults for lack of space.
     *
     * @param what the object the file is for, named in messages
     * @throws IpcException IO_ERROR naming the object and the reason (file system full, ...)
     */
    public static void allocate(Path file, long length, String what) {
        LibC libc = Holder.LIBC;
        int fd = libc.open(file.toString(), O_RDWR);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot open " + file + ": " + libc.strerror(errno));
        }
        try {
            int err = libc.posix_fallocate(fd, 0, length);
            if (err != 0) {
                String reason = err == ENOSPC ? "the file system is full" : libc.strerror(err);
                throw new IpcException(IpcError.IO_ERROR, what + ": cannot reserve " + length + " bytes: " + reason);
            }
        } finally {
            libc.close(fd);
        }
    }
}
