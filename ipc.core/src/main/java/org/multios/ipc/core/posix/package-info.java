/**
 * The platform's one binding of the C library (through JNA), for the calls the JDK does not
 * offer: files opened without following links (to read them, or only to name them), storage reservation, page replacement
 * ({@link org.multios.ipc.core.posix.Posix}), FIFOs, poll, eventfd and inotify
 * ({@link org.multios.ipc.core.posix.FifoCalls}), operating-system signals
 * ({@link org.multios.ipc.core.posix.OsSignalSender}), and the Linux system calls it has no
 * wrapper for, futex and membarrier ({@link org.multios.ipc.core.posix.LinuxSyscall}, which
 * returns the kernel's result and leaves errors to its callers). Every other call returns its
 * result or the negated {@code errno}, or throws an {@link org.multios.ipc.IpcException} naming
 * the object; none crashes. The constants are those of Linux, which x86-64 and ARM64 share (checked
 * against both processors' headers) but for {@code O_NOFOLLOW}, chosen by processor, and the
 * system call numbers ({@link org.multios.ipc.core.posix.LinuxSyscall#number}); a pipe's default
 * capacity follows the page size ({@link org.multios.ipc.core.posix.FifoCalls#defaultPipeSize()}).
 *
 * <p>For mechanism bundles; client bundles use the API.
 */
@Export
@Version("1.6.0")
package org.multios.ipc.core.posix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
