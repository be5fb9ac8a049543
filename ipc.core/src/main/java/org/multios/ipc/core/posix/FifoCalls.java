package org.multios.ipc.core.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The C library calls named pipes need: {@code mkfifo}, {@code chmod}, non-blocking
 * {@code open} that follows no link, {@code read}, {@code write}, {@code poll}, {@code eventfd} and {@code inotify}.
 * Every call returns its result or the negated {@code errno}; none throws or crashes.
 *
 * <p>SIGPIPE: a write to a FIFO without readers raises SIGPIPE in the writing thread. The JVM
 * handles (ignores) SIGPIPE itself, so the call fails with {@link #EPIPE} instead of ending
 * the process.
 */
public final class FifoCalls {
    // The Linux values of the flags, errnos and poll events these calls take and return.
    public static final int O_RDONLY = Posix.O_RDONLY;
    public static final int O_WRONLY = Posix.O_WRONLY;
    public static final int O_NONBLOCK = Posix.O_NONBLOCK;
    public static final int O_NOFOLLOW = Posix.O_NOFOLLOW;
    public static final int O_CLOEXEC = Posix.O_CLOEXEC;
    public static final int O_PATH = Posix.O_PATH;

    public static final int ENOENT = Posix.ENOENT;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = Posix.EACCES;
    public static final int EEXIST = 17;
    public static final int EPIPE = 32;
    public static final int ELOOP = Posix.ELOOP;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;

    /** Bytes of a write that the kernel never interleaves ({@code PIPE_BUF}). */
    public static final int PIPE_BUF = 4096;
    /**
     * The capacity of a FIFO's buffer on Linux unless changed, on a kernel with 4 KiB pages;
     * {@link #defaultPipeSize()} is this machine's.
     */
    public static final int DEFAULT_PIPE_SIZE = 65536;
    /** Pages of a new pipe's buffer ({@code PIPE_DEF_BUFFERS}). */
    private static final int PIPE_DEF_PAGES = 16;

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_GETPIPE_SZ = 1032;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int FIONREAD = 0x541B;
    private static final int IN_OPEN = 0x20;
    private static final int MFD_CLOEXEC = 1;
    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    /** Bytes of the two {@code struct pollfd}s of {@link #poll(Memory, int, short, int, int)}. */
    public static final int POLL_FDS_SIZE = 16;
    private static final NativeLong TWO = new NativeLong(2);

    private FifoCalls() {
    }

    private static LibC libc() {
        return LibC.get();
    }

    private static int result(int r) {
        return r < 0 ? -Native.getLastError() : r;
    }

    private static int result(NativeLong r) {
        long v = r.longValue();
        return v < 0 ? -Native.getLastError() : (int) v;
    }

    /** {@code mkfifo(path, 0)} then {@code chmod(path, mode)}: the umask cannot change the mode. */
    public static int mkfifo(String path) {
        return result(libc().mkfifo(path, 0));
    }

    /** {@code chmod}: 0 or the negated errno. */
    public static int chmod(String path, int mode) {
        return result(libc().chmod(path, mode));
    }

    /**
     * {@code open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)}: the descriptor or the
     * negated errno ({@link #ELOOP} for a symbolic link).
     */
    public static int open(String path, int flags) {
        return result(libc().open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    }

    /**
     * {@code open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)}: a descriptor that names the file (a
     * link itself, not its target) without opening it for I/O, or the negated errno.
     */
    public static int openPath(String path) {
        return result(libc().open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    }

    /**
     * Opens the file that descriptor {@code fd} names once more, through {@code /proc/self/fd}:
     * a new open file of the same FIFO (not of whatever its name names now), non-blocking while it
     * opens, then blocking. The kernel checks access against the FIFO's mode now.
     *
     * @param flags {@link #O_RDONLY} or {@link #O_WRONLY}
     * @return the new descriptor, or the negated errno ({@link #ENXIO}: a FIFO with no reader now,
     *         opened for writing)
     */
    public static int reopenBlocking(int fd, int flags) {
        int copy = result(libc().open("/proc/self/fd/" + fd, flags | O_NONBLOCK | O_CLOEXEC));
        if (copy < 0) {
            return copy;
        }
        int status = result(libc().fcntl(copy, F_GETFL));
        int r = status < 0 ? status : result(libc().fcntl(copy, F_SETFL, status & ~O_NONBLOCK));
        if (r < 0) {
            close(copy);
            return r;
        }
        return copy;
    }

    /** {@code close}, ignoring failure and negative descriptors. */
    public static void close(int fd) {
        Posix.close(fd);
    }

    /**
     * Reads at most {@code len} bytes into {@code array} at {@code off}, or into {@code buffer}
     * at its position (advancing it) when {@code array} is null.
     *
     * @return the count, 0 at end of file, or the negated errno
     */
    public static int read(int fd, byte[] array, int off, ByteBuffer buffer, int len) {
        if (array == null && buffer.isDirect()) {
            int n = result(libc().read(fd, Native.getDirectBufferPointer(buffer).share(buffer.position()),
                    new NativeLong(len)));
            if (n > 0) {
                buffer.position(buffer.position() + n);
            }
            return n;
        }
        byte[] target = array != null && off == 0 ? array : new byte[len];
        int n = result(libc().read(fd, target, new NativeLong(len)));
        if (n > 0 && target != array) {
            if (array != null) {
                System.arraycopy(target, 0, array, off, n);
            } else {
                buffer.put(target, 0, n);
            }
        }
        return n;
    }

    /**
     * Writes {@code len} bytes from {@code array} at {@code off}, or from {@code buffer} at its
     * position (advancing it by what was written) when {@code array} is null.
     *
     * @return the count or the negated errno
     */
    public static int write(int fd, byte[] array, int off, ByteBuffer buffer, int len) {
        int n;
        if (array == null && buffer.isDirect()) {
            n = result(libc().write(fd, Native.getDirectBufferPointer(buffer).share(buffer.position()),
                    new NativeLong(len)));
        } else if (array != null && off == 0) {
            n = result(libc().write(fd, array, new NativeLong(len)));
        } else {
            byte[] source = new byte[len];
            if (array != null) {
                System.arraycopy(array, off, source, 0, len);
            } else {
                buffer.duplicate().get(source);
            }
            n = result(libc().write(fd, source, new NativeLong(len)));
        }
        if (n > 0 && array == null) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    /**
     * Waits in the kernel until {@code fd} has one of {@code events} or {@code wakeFd} is
     * readable, at most {@code timeoutMillis}.
     *
     * @return the events of {@code fd} (0 on timeout, or when only the wake-up came), or the
     *         negated errno
     */
    public static int poll(int fd, short events, int wakeFd, int timeoutMillis) {
        int[] fds = {fd, eventsWord(events), wakeFd, eventsWord(POLLIN)};
        int r = libc().poll(fds, new NativeLong(2), timeoutMillis);
        if (r < 0) {
            return -Native.getLastError();
        }
        return returnedEvents(fds[1]);
    }

    /**
     * As {@link #poll(int, short, int, int)}, with the two {@code struct pollfd}s in
     * {@code pollFds} ({@link #POLL_FDS_SIZE} bytes, used by one thread at a time): allocates
     * nothing on the Java heap but JNA's argument array.
     */
    public static int poll(Memory pollFds, int fd, short events, int wakeFd, int timeoutMillis) {
        pollFds.setInt(0, fd);
        pollFds.setShort(4, events);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, POLLIN);
        pollFds.setShort(14, (short) 0);
        int r = libc().poll(pollFds, TWO, timeoutMillis);
        if (r < 0) {
            return -Native.getLastError();
        }
        return pollFds.getShort(6) & 0xffff;
    }

    /** The int holding {@code events} and {@code revents} (0) of a {@code struct pollfd}. */
    private static int eventsWord(short events) {
        return BIG_ENDIAN ? (events & 0xffff) << 16 : events & 0xffff;
    }

    /** The {@code revents} of that int after the call. */
    private static int returnedEvents(int word) {
        return BIG_ENDIAN ? word & 0xffff : word >>> 16;
    }

    /** {@code memfd_create(name, MFD_CLOEXEC)}: an anonymous memory file's descriptor, or the negated errno. */
    public static int memfd(String name) {
        return result(libc().memfd_create(name, MFD_CLOEXEC));
    }

    /** {@code fcntl(fd, F_DUPFD_CLOEXEC, 0)}: another descriptor of the same open file, or the negated errno. */
    public static int duplicate(int fd) {
        return result(libc().fcntl(fd, F_DUPFD_CLOEXEC, 0));
    }

    /**
     * {@code dup3(oldFd, newFd, O_CLOEXEC)}: makes {@code newFd} (closed first if open, atomically)
     * another descriptor of {@code oldFd}'s open file. Returns {@code newFd} or the negated errno.
     */
    public static int dup3(int oldFd, int newFd) {
        return result(libc().dup3(oldFd, newFd, O_CLOEXEC));
    }

    /** The capacity of the pipe behind {@code fd}, or the default if it cannot be read. */
    public static int pipeSize(int fd) {
        int r = fd < 0 ? -1 : libc().fcntl(fd, F_GETPIPE_SZ);
        return r > 0 ? r : defaultPipeSize();
    }

    /**
     * The capacity of a new pipe's buffer on this machine unless changed: 16 memory pages, so
     * 64 KiB with 4 KiB pages, but 256 KiB or 1 MiB on ARM64 kernels built with 16 or 64 KiB
     * pages; {@link #DEFAULT_PIPE_SIZE} where the page size cannot be asked.
     */
    public static int defaultPipeSize() {
        return DefaultSize.BYTES;
    }

    /** {@link #defaultPipeSize()} with pages of {@code pageSize} bytes (not positive: unknown). */
    static int defaultPipeSize(long pageSize) {
        return pageSize > 0 && pageSize <= 1 << 20 ? (int) (PIPE_DEF_PAGES * pageSize) : DEFAULT_PIPE_SIZE;
    }

    /** This machine's default, asked once. */
    private static final class DefaultSize {
        static final int BYTES = defaultPipeSize(pageSize());

        private static long pageSize() {
            try {
                return Posix.pageSize();
            } catch (LinkageError noLibc) {
                return -1;
            }
        }
    }

    /** The bytes readable now from {@code fd}, 0 if unknown. */
    public static int available(int fd) {
        int[] n = new int[1];
        return libc().ioctl(fd, new NativeLong(FIONREAD), n) == 0 ? n[0] : 0;
    }

    /** A non-blocking eventfd to wake pollers, or the negated errno. */
    public static int eventfd() {
        return result(libc().eventfd(0, O_NONBLOCK | O_CLOEXEC));
    }

    /** Makes an eventfd readable, so that every poll on it returns at once from now on. */
    public static void signal(int eventFd) {
        Memory one = new Memory(8);
        one.setLong(0, 1);
        libc().write(eventFd, one, new NativeLong(8));
    }

    /** A non-blocking inotify descriptor watching opens of {@code path}, or -1 if none can be had. */
    public static int watchOpens(String path) {
        int fd = libc().inotify_init1(O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            return -1;
        }
        if (libc().inotify_add_watch(fd, path, IN_OPEN) < 0) {
            libc().close(fd);
            return -1;
        }
        return fd;
    }

    /** Reads and forgets whatever events a non-blocking descriptor holds. */
    public static void drain(int fd) {
        Memory sink = new Memory(4096);
        while (result(libc().read(fd, sink, new NativeLong(sink.size()))) > 0) {
            continue;
        }
    }

    /** The text of an errno. */
    public static String strerror(int errno) {
        return Posix.strerror(errno);
    }
}
