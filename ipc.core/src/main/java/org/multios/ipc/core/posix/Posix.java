package org.multios.ipc.core.posix;

import java.nio.file.Path;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The file and memory calls of the C library the JDK does not offer, and the errno values
 * the platform names. Each returns or throws with the operating system's error, never crashes.
 */
public final class Posix {
    /** {@code open}: read only. */
    public static final int O_RDONLY = 0;
    /** {@code open}: write only. */
    public static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    /** {@code open}: never block. */
    public static final int O_NONBLOCK = 04000;
    /**
     * {@code open}: fail with {@link #ELOOP} on a symbolic link in the last component. Its value is
     * one of the few that differ by processor ({@link #noFollow}).
     */
    public static final int O_NOFOLLOW = noFollow(System.getProperty("os.arch", ""));
    /** {@code open}: closed on exec. */
    public static final int O_CLOEXEC = 02000000;
    /** {@code open}: a descriptor that only names the file (neither reads nor writes it). */
    public static final int O_PATH = 010000000;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** No such file. */
    public static final int ENOENT = 2;
    /** A symbolic link where {@code O_NOFOLLOW} forbids one. */
    public static final int ELOOP = 40;
    /** A read-only file system. */
    public static final int EROFS = 30;
    private static final int ENOSPC = 28;
    private static final int EFAULT = 14;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int SC_PAGESIZE = 30;

    /**
     * {@code O_NOFOLLOW} on processor {@code arch} ({@code os.arch}): ARM's, 32 and 64 bits, and
     * PowerPC's headers give {@code 0100000} (where {@code 0400000}, x86-64's and the generic
     * value, is {@code O_LARGEFILE}: taken for it, a link would be followed).
     */
    static int noFollow(String arch) {
        return arch.startsWith("aarch64") || arch.startsWith("arm") || arch.startsWith("ppc") ? 0100000 : 0400000;
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
        LibC libc = LibC.get();
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

    /**
     * Opens a file read-write or read-only, never following a symbolic link in its last
     * component, never blocking (a FIFO put under the name meanwhile), closed on exec.
     *
     * @return the descriptor, or the negated errno ({@link #ELOOP} for a link)
     */
    public static int openNoFollow(Path file, boolean readWrite) {
        int fd = LibC.get().open(file.toString(), (readWrite ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOFOLLOW
                | O_CLOEXEC);
        return fd < 0 ? -Native.getLastError() : fd;
    }

    /**
     * Opens a descriptor that names a file without reading it ({@code O_PATH}), whatever its type
     * (a socket too), never following a symbolic link in its last component (a link there is
     * opened itself), closed on exec. What it names stays the same file, whatever is renamed or
     * linked meanwhile; {@code /proc/self/fd/<fd>} leads the kernel to that very file.
     *
     * @return the descriptor, or the negated errno ({@link #ENOENT} if nothing is there)
     */
    public static int openPath(Path file) {
        int fd = LibC.get().open(file.toString(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -Native.getLastError() : fd;
    }

    /** {@code close}, ignoring failure and negative descriptors. */
    public static void close(int fd) {
        if (fd >= 0) {
            LibC.get().close(fd);
        }
    }

    /** The operating system's text for an errno. */
    public static String strerror(int errno) {
        return LibC.get().strerror(errno);
    }

    /** The size of a memory page. */
    public static long pageSize() {
        return LibC.get().sysconf(SC_PAGESIZE).longValue();
    }

    /**
     * Replaces the pages of {@code [address, address + length)} (page-aligned) with private zero
     * pages of the same protection, in one {@code mmap(MAP_FIXED)}: the kernel swaps them under
     * its memory-map lock, so a thread touching the range meanwhile sees the old page or a zero
     * page, never an unmapped one.
     *
     * @throws IpcException IO_ERROR naming the reason if the kernel refuses
     */
    public static void replaceWithZeroPages(long address, long length, boolean writable, String what) {
        LibC libc = LibC.get();
        int protection = writable ? PROT_READ | PROT_WRITE : PROT_READ;
        Pointer r = libc.mmap(new Pointer(address), new NativeLong(length), protection,
                MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, new NativeLong(0));
        if (Pointer.nativeValue(r) != address) {
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot replace " + length + " mapped bytes: "
                    + libc.strerror(Native.getLastError()));
        }
    }

    /**
     * {@code kill(pid, 0)}: whether a process exists and may be signalled.
     *
     * @return 0, or the errno ({@code ESRCH}: no such process); -1 where there is no C library
     */
    public static int signalZero(int pid) {
        try {
            return LibC.get().kill(pid, 0) == 0 ? 0 : Native.getLastError();
        } catch (LinkageError noLibc) {
            return -1;
        }
    }

    /** The kernel's id of the calling thread ({@code gettid}), or -1 where it cannot be had. */
    public static int threadId() {
        try {
            return LibC.get().gettid();
        } catch (LinkageError noGettid) {
            return -1;
        }
    }

    /** {@link #probeByte}: the byte can be read. */
    public static final int READABLE = 0;
    /** {@link #probeByte}: reading the byte faults (a page past the end of a file mapped there). */
    public static final int FAULTS = 1;
    /** {@link #probeByte}: the kernel would not say (no such call, or a filter refuses it). */
    public static final int UNTOLD = -1;

    /**
     * Whether reading the byte at {@code address} of this process faults now, asked of the kernel:
     * {@code process_vm_readv} of this process copies the byte or fails with {@code EFAULT}, and
     * never raises a signal, so a page of a mapping whose file was truncated under it can be told
     * from one that is still backed without touching it.
     *
     * @return {@link #READABLE}, {@link #FAULTS} or {@link #UNTOLD}
     */
    public static int probeByte(long address) {
        try (Memory copy = new Memory(1); Memory vectors = new Memory(4L * Native.POINTER_SIZE)) {
            // two struct iovec { void *base; size_t length; }: where to copy to, what to read
            vectors.setPointer(0, copy);
            vectors.setNativeLong(Native.POINTER_SIZE, new NativeLong(1));
            vectors.setPointer(2L * Native.POINTER_SIZE, new Pointer(address));
            vectors.setNativeLong(3L * Native.POINTER_SIZE, new NativeLong(1));
            NativeLong one = new NativeLong(1);
            long n = LibC.get().process_vm_readv((int) ProcessHandle.current().pid(), vectors, one,
                    vectors.share(2L * Native.POINTER_SIZE), one, new NativeLong(0)).longValue();
            if (n == 1) {
                return READABLE;
            }
            return n < 0 && Native.getLastError() == EFAULT ? FAULTS : UNTOLD;
        } catch (LinkageError noSuchCall) {
            return UNTOLD;
        }
    }
}
