package org.multios.ipc.channels.pipe;

import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * A named pipe as this JVM sees it: the FIFO of its name, its inode as id, and the counters of
 * the bytes that went through this JVM's ends (its depth is the operating system's).
 *
 * @param pipeName the name under the FIFO directory
 */
record NamedPipe(String pipeName, long inode, FifoDirectory directory, PipeCounters counters) implements PipeTarget {
    String path() {
        return directory.path(pipeName).toString();
    }

    @Override
    public long id() {
        return inode;
    }

    @Override
    public Optional<String> name() {
        return Optional.of(pipeName);
    }

    @Override
    public String displayName() {
        return FifoDirectory.label(pipeName);
    }

    @Override
    public ObjectInfo info() {
        Permissions p;
        try {
            p = directory.permissions(pipeName);
        } catch (IpcException unlinked) {
            p = Permissions.of(new IpcProcess(ProcessKind.OS_PROCESS, 0, "unknown", 0, 0, "nobody", Set.of()), 0);
        }
        return new ObjectInfo(ObjectType.PIPE, inode, name(), directory.creatorOf(inode, p), p,
                FifoCalls.defaultPipeSize(), true,
                counters.snapshot(0));
    }

    @Override
    public void setPermissions(Permissions permissions) {
        directory.setPermissions(pipeName, permissions);
    }
}
