package org.multios.ipc.sync.signals;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.CallerContext;

/**
 * Who may signal whom, for now: a process running as {@value #ROOT} may signal any process;
 * any other needs {@link Rights#WRITE} on the target's signal disposition, an object of type
 * {@link ObjectType#SIGNAL} owned by the target's user and primary group with mode
 * {@code 0600}, as decided by the caller's {@link CallerContext#authorize}. With POSIX rules
 * alone that means the same user; the security bundle's policy may grant more. Denial is
 * PERMISSION_DENIED.
 */
final class SignalPolicy {
    /** The user that may signal every process. */
    static final String ROOT = "root";
    /** The mode of every process's signal disposition. */
    static final int MODE = 0600;

    private SignalPolicy() {
    }

    /** Checks that the caller may signal an IPC process. */
    static void checkMaySignal(CallerContext caller, IpcProcess target) {
        if (ROOT.equals(caller.process().user())) {
            return;
        }
        caller.authorize(ObjectType.SIGNAL, target.toString(), Permissions.of(target, MODE), Rights.WRITE);
    }

    /**
     * Checks that the caller may signal an OS process, as far as the platform decides (the OS
     * decides too): the same rule, with the target's OS user as owner and group.
     *
     * @throws IpcException NOT_FOUND if no such process exists
     */
    static void checkMaySignalOs(CallerContext caller, long pid) {
        ProcessHandle target = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IpcException(IpcError.NOT_FOUND, "OS process " + pid + " does not exist"));
        if (ROOT.equals(caller.process().user())) {
            return;
        }
        String user = target.info().user().orElse(null);
        if (user == null) {
            return; // unknown owner: the operating system decides
        }
        caller.authorize(ObjectType.SIGNAL, "OS process " + pid, new Permissions(user, user, MODE), Rights.WRITE);
    }
}
