package org.multios.ipc;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform seen as a whole: the calling process's identity, the registry of live objects
 * across every installed mechanism, the known IPC processes and the connection count, and the
 * limits in force. In OSGi it is a bundle-scoped service: {@link #currentProcess()} is the
 * calling bundle. Outside OSGi, {@link IpcContext#runtime()} gives it for the OS process.
 *
 * <p>The original specification's {@code init()} is the start of the framework (or
 * {@link Ipc#open}); {@code register_process_ipc(pid)} happens implicitly on first use of any
 * IPC service and is what {@link #currentProcess()} returns; {@code get_connection_count()} is
 * {@link #connectionCount()}.
 */
@ProviderType
public interface IpcRuntime {
    /** The calling process, registered with the platform on first use. */
    IpcProcess currentProcess();

    /** Every IPC process the platform knows now: bundles using IPC services, attached peers. */
    List<IpcProcess> processes();

    /**
     * The number of live connections: handles that processes hold on objects of every
     * mechanism, plus network connections.
     */
    int connectionCount();

    /** Every live object of every mechanism installed (names are not secret: see the IPC root). */
    List<ObjectInfo> objects();

    /** Every live object of one kind. */
    List<ObjectInfo> objects(ObjectType type);

    /** The named object of the given kind, if it exists. */
    Optional<ObjectInfo> object(ObjectType type, String name);

    /** The limits in force. */
    IpcLimits limits();

    /**
     * Removes, in every mechanism, named objects whose creating process is dead and that no
     * process uses (the console's {@code ipc:gc}); returns what was removed. Which kinds, and
     * what stays whatever its creator's state, is written in the package documentation ("The
     * life of a named object").
     */
    List<ObjectInfo> collectStale();

    /**
     * {@link #collectStale()}, saying also what it kept only because a process that might hold
     * it could not be read, and which processes those were.
     *
     * @since 3.1
     */
    default StaleCollection collectStaleObjects() {
        return StaleCollection.removing(collectStale());
    }
}
