package org.multios.ipc.core.posix;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The one JNA binding of the C library that every bundle of the platform calls through
 * ({@link Posix}, {@link FifoCalls}, {@link OsSignalSender}). JNA binds each function at its
 * first call, so a function missing from this C library (glibc's {@code __libc_current_sigrtmin}
 * on musl) fails only where it is called, with an {@link UnsatisfiedLinkError}.
 * {@code size_t} and {@code ssize_t} are native longs.
 */
interface LibC extends Library {
    int open(String path, int flags);

    int close(int fd);

    int posix_fallocate(int fd, long offset, long length);

    Pointer mmap(Pointer address, NativeLong length, int protection, int flags, int fd, NativeLong offset);

    NativeLong sysconf(int name);

    String strerror(int errnum);

    int mkfifo(String path, int mode);

    int chmod(String path, int mode);

    NativeLong read(int fd, byte[] buffer, NativeLong count);

    NativeLong read(int fd, Pointer buffer, NativeLong count);

    NativeLong write(int fd, byte[] buffer, NativeLong count);

    NativeLong write(int fd, Pointer buffer, NativeLong count);

    int poll(Memory fds, NativeLong count, int timeoutMillis);

    /** {@code poll} on {@code struct pollfd}s laid out as pairs of ints: fd, then events | revents << 16. */
    int poll(int[] fds, NativeLong count, int timeoutMillis);

    int memfd_create(String name, int flags);

    int dup3(int oldFd, int newFd, int flags);

    int fcntl(int fd, int command);

    int fcntl(int fd, int command, int argument);

    int ioctl(int fd, NativeLong request, int[] result);

    int eventfd(int initial, int flags);

    int inotify_init1(int flags);

    int inotify_add_watch(int fd, String path, int mask);

    int kill(int pid, int sig);

    int sigqueue(int pid, int sig, NativeLong value);

    int gettid();

    NativeLong process_vm_readv(int pid, Pointer localIov, NativeLong localCount, Pointer remoteIov,
            NativeLong remoteCount, NativeLong flags);

    int __libc_current_sigrtmin();

    int __libc_current_sigrtmax();

    /** The C library, loaded at the first call that needs it. */
    static LibC get() {
        return Holder.LIBC;
    }

    /** Lazy holder: loading fails with a {@link LinkageError} where there is no C library. */
    final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
