package org.multios.ipc.channels.pipe;

import java.nio.file.attribute.PosixFileAttributes;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.posix.FifoCalls;
import org.multios.ipc.spi.Grant;

/**
 * Opens a FIFO so that what the caller was authorized for is what it gets: the name's attributes
 * are read without following links, access is decided on them, the FIFO is opened with
 * {@code O_NOFOLLOW}, and the attributes of the opened descriptor are compared with those read;
 * if the name was re-created or changed in between, the descriptor is closed and all starts
 * again. A writer is attached at once: when no reader is there, it opens the FIFO for reading
 * for the moment of its own open, so that it counts as a writer from its open on.
 */
final class FifoOpener {
    /** Opens tried before a name that keeps changing is given up. */
    static final int ATTEMPTS = 8;

    /** An opened FIFO: its descriptor, the grant, its inode, and whether a reader was there. */
    record Opened(int fd, Grant grant, long inode, boolean readerSeen) {
    }

    private final FifoDirectory fifos;
    private final PipeSession session;

    FifoOpener(FifoDirectory fifos, PipeSession session) {
        this.fifos = fifos;
        this.session = session;
    }

    /**
     * Opens the FIFO for reading or writing, non-blocking.
     *
     * @throws IpcException NOT_FOUND, CORRUPTED (not a FIFO), PERMISSION_DENIED, BUSY if the name
     *                      changed {@value #ATTEMPTS} times while being opened, IO_ERROR
     */
    Opened open(String name, boolean forWriting) {
        String path = fifos.path(name).toString();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            PosixFileAttributes found = fifos.fifoAttributes(name);
            Grant grant = session.caller().authorize(ObjectType.PIPE, name, ObjectOwners.permissionsOf(found),
                    forWriting ? Rights.WRITE : Rights.READ);
            session.at(PipeHook.FIFO_CHECKED);
            boolean readerSeen = true;
            int fd = FifoCalls.open(path, forWriting ? FifoCalls.O_WRONLY : FifoCalls.O_RDONLY);
            if (fd == -FifoCalls.ENXIO && forWriting) {
                readerSeen = false;
                fd = openWithoutReader(path);
            }
            if (fd < 0) {
                if (!changedMeanwhile(-fd)) {
                    throw refused(name, fd, forWriting ? "write" : "read");
                }
                continue;
            }
            if (FifoDirectory.isSameFile(name, fd, found)) {
                return new Opened(fd, grant, FifoDirectory.inodeOf(fd), readerSeen);
            }
            FifoCalls.close(fd);
        }
        throw new IpcException(IpcError.BUSY, FifoDirectory.label(name) + " was re-created or changed " + ATTEMPTS
                + " times while being opened");
    }

    /** Opens for writing a FIFO without a reader, being its reader for that moment. */
    private static int openWithoutReader(String path) {
        int reader = FifoCalls.open(path, FifoCalls.O_RDONLY);
        if (reader < 0) {
            return reader;
        }
        try {
            return FifoCalls.open(path, FifoCalls.O_WRONLY);
        } finally {
            FifoCalls.close(reader);
        }
    }

    /** Errors of an open that mean the name changed since it was read: look again. */
    private static boolean changedMeanwhile(int errno) {
        return errno == FifoCalls.ENOENT || errno == FifoCalls.ELOOP || errno == FifoCalls.ENXIO;
    }

    private IpcException refused(String name, int negatedErrno, String access) {
        String reason = FifoCalls.strerror(-negatedErrno);
        if (-negatedErrno == FifoCalls.EACCES) {
            return IpcException.permissionDenied(access + " (the operating system refused: " + reason + ")",
                    FifoDirectory.label(name), session.caller().process().toString());
        }
        return new IpcException(IpcError.IO_ERROR, FifoDirectory.label(name) + ": cannot open it for " + access
                + "ing: " + reason);
    }
}
