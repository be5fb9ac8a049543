package org.multios.ipc.sync;

import org.multios.ipc.Permissions;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates, opens and unlinks semaphores, mutexes and condition variables. A bundle-scoped
 * service: the calling bundle (or, outside OSGi, the calling OS process) is the process every
 * handle belongs to.
 *
 * <p>Each kind has its own namespace ({@link org.multios.ipc.ObjectType#SEMAPHORE},
 * {@link org.multios.ipc.ObjectType#MUTEX}, {@link org.multios.ipc.ObjectType#CONDITION});
 * names are checked with {@link org.multios.ipc.IpcNames#requireValid} before any file is
 * touched. Named objects live under the IPC root with the given owner, group and mode and are
 * shared with other processes; anonymous objects are reachable only through their handle and
 * are destroyed when their last handle closes or their creator goes.
 *
 * <p>The named create methods follow the platform's create rule (see {@link org.multios.ipc}):
 * they open the object if it exists and create it otherwise; an existing semaphore must have
 * the maximum asked for, an existing mutex the same recursive and robust settings (its initial
 * value, wait strategy and permissions are the existing object's). {@code withExclusive(true)}
 * in the options (for a condition, the {@code exclusive} argument) demands a new object.
 *
 * <p>Common errors of the create methods: INVALID_ARGUMENT for a bad name or mode;
 * ALREADY_EXISTS for an exclusive create of a taken name, or an existing object whose options
 * differ (the message names the object and the option); LIMIT_EXCEEDED if the object count
 * ({@link org.multios.ipc.Limit#OBJECTS}) or the caller's
 * {@link org.multios.ipc.Quota#OBJECTS} quota would be passed; PERMISSION_DENIED if the
 * policy refuses; IO_ERROR if the file cannot be made. Of the open methods: NOT_FOUND,
 * PERMISSION_DENIED if the caller would get no right at all, CORRUPTED for a file not of this
 * platform's format. The handle of an open or create holds every right the permissions and
 * policy give the caller; operations check the right they need. Of the unlink methods:
 * NOT_FOUND, and PERMISSION_DENIED without {@link org.multios.ipc.Rights#ADMIN}; unlinking
 * removes the name at once while open handles stay usable (POSIX {@code sem_unlink}).
 */
@ProviderType
public interface SyncService {
    // ----------------------------------------------------------------- semaphores

    /**
     * Creates an anonymous semaphore with the given initial value and no practical maximum:
     * the original specification's {@code create_semaphore(initial_value)}.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a negative value;
     *         LIMIT_EXCEEDED
     */
    default Semaphore createSemaphore(int initialValue) {
        return createSemaphore(SemaphoreOptions.of(initialValue));
    }

    /**
     * Creates an anonymous semaphore.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED
     */
    Semaphore createSemaphore(SemaphoreOptions options);

    /**
     * Opens or creates a named semaphore.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Semaphore createSemaphore(String name, SemaphoreOptions options, Permissions permissions);

    /**
     * Opens or creates a named semaphore; a new one is owned by the caller's user and primary
     * group, with the given mode (0 to 0777).
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Semaphore createSemaphore(String name, SemaphoreOptions options, int mode);

    /**
     * Opens a named semaphore.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Semaphore openSemaphore(String name);

    /**
     * Removes a semaphore's name; open handles stay usable.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    void unlinkSemaphore(String name);

    // ----------------------------------------------------------------- mutexes

    /**
     * Creates an anonymous mutex.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED
     */
    Mutex createMutex(MutexOptions options);

    /**
     * Opens or creates a named mutex.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Mutex createMutex(String name, MutexOptions options, Permissions permissions);

    /**
     * Opens or creates a named mutex; a new one is owned by the caller's user and primary group,
     * with the given mode.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Mutex createMutex(String name, MutexOptions options, int mode);

    /**
     * Opens a named mutex.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Mutex openMutex(String name);

    /**
     * Removes a mutex's name; open handles stay usable (and a holder keeps the lock).
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    void unlinkMutex(String name);

    // ----------------------------------------------------------------- conditions

    /**
     * Creates an anonymous condition variable.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED
     */
    Condition createCondition();

    /**
     * Opens or creates a named condition variable.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Condition createCondition(String name, Permissions permissions);

    /**
     * Opens or creates a named condition variable; a new one is owned by the caller's user and
     * primary group, with the given mode.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Condition createCondition(String name, int mode);

    /**
     * Creates a named condition variable owned by the caller's user and primary group; with
     * {@code exclusive}, only a new one will do (ALREADY_EXISTS if the name is taken), else as
     * {@link #createCondition(String, int)}.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Condition createCondition(String name, int mode, boolean exclusive);

    /**
     * Opens a named condition variable.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    Condition openCondition(String name);

    /**
     * Removes a condition variable's name; open handles stay usable.
     *
     * @throws org.multios.ipc.IpcException as described for the service
     */
    void unlinkCondition(String name);
}
