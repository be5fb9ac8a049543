package org.multios.ipc.pipe;

import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates unnamed pipes and creates, opens and unlinks named pipes (FIFOs in the pipe
 * directory of the IPC root). A bundle-scoped service: the calling bundle is the process that
 * owns every end it returns, and its unnamed pipes and ends close when it releases the service
 * or stops (named pipes stay). Outside OSGi, {@link org.multios.ipc.IpcContext#service} gives
 * it for the OS process.
 *
 * <p>Names follow {@link IpcNames} and are checked with
 * {@link IpcNames#requireValid(ObjectType, String)} before anything else (INVALID_ARGUMENT);
 * pipes have their own namespace. A named pipe is owned by its creator's user and primary
 * group with the mode given; opening an end grants rights by those permissions and the
 * security policy, and the operating system enforces the same mode for other programs. No
 * method here waits: unlike {@code open} of a FIFO, opening an end returns at once, and the
 * first read or write waits for the other side (see {@link PipeReader} and
 * {@link PipeWriter}).
 *
 * <p>Creating fails with LIMIT_EXCEEDED, before anything is taken, if {@link Limit#OBJECTS}
 * pipes already live or the caller's {@link Quota#OBJECTS} quota is used up.
 */
@ProviderType
public interface PipeService {

    /**
     * Creates an unnamed pipe, as the original specification's
     * {@code create_pipe(buffer_size, flags)}. The caller gets the reader with
     * {@link Rights#READ} and the writer with {@link Rights#WRITE}, plus {@link Rights#ADMIN}.
     *
     * @param bufferSize the buffer's capacity in bytes, at least 1
     * @param flags      flags for both ends: {@link PipeFlag#NON_BLOCKING} or none
     * @throws IpcException INVALID_ARGUMENT if {@code bufferSize < 1} or flags is or holds null;
     *                      LIMIT_EXCEEDED if {@code bufferSize} exceeds {@link Limit#BUFFER_SIZE}
     *                      or as described in the class description
     */
    Pipe create(int bufferSize, Set<PipeFlag> flags);

    /**
     * Creates a named pipe if there is none of that name (the platform's create rule, see
     * {@link org.multios.ipc}): a FIFO file of that name with owner, group and mode set (the
     * umask does not apply), as {@code mkfifo}. An existing pipe is left as it is. No end is
     * opened.
     *
     * @param mode the permission bits, 0 to {@link Permissions#MAX_MODE}
     * @throws IpcException INVALID_ARGUMENT for a bad name or mode; CORRUPTED if the file of that
     *                      name is not a FIFO; LIMIT_EXCEEDED as described in the class
     *                      description; UNSUPPORTED where the operating system has no FIFOs;
     *                      IO_ERROR if the file cannot be made
     */
    void createNamed(String name, int mode);

    /**
     * Creates a named pipe; with {@code exclusive}, only a new one will do (ALREADY_EXISTS if a
     * pipe of that name exists), else as {@link #createNamed(String, int)}.
     *
     * @throws IpcException as {@link #createNamed(String, int)}
     */
    void createNamed(String name, int mode, boolean exclusive);

    /** Opens the reading end of a named pipe, blocking: {@link #openReader(String, Set)} with no flags. */
    PipeReader openReader(String name);

    /**
     * Opens the reading end of a named pipe, asking for {@link Rights#READ}. Returns at once,
     * whether or not a writer is open. FIFOs made by other programs in the pipe directory open
     * too.
     *
     * @param flags {@link PipeFlag#NON_BLOCKING} or none
     * @throws IpcException INVALID_ARGUMENT for a bad name or null flags; NOT_FOUND if no pipe
     *                      has that name; PERMISSION_DENIED without READ; CORRUPTED if the file
     *                      of that name is not a FIFO; IO_ERROR if the operating system refuses
     */
    PipeReader openReader(String name, Set<PipeFlag> flags);

    /** Opens the writing end of a named pipe, blocking: {@link #openWriter(String, Set)} with no flags. */
    PipeWriter openWriter(String name);

    /**
     * Opens the writing end of a named pipe, asking for {@link Rights#WRITE}. Returns at once,
     * whether or not a reader is open.
     *
     * @param flags {@link PipeFlag#NON_BLOCKING} or none
     * @throws IpcException INVALID_ARGUMENT for a bad name or null flags; NOT_FOUND if no pipe
     *                      has that name; PERMISSION_DENIED without WRITE; CORRUPTED if the file
     *                      of that name is not a FIFO; IO_ERROR if the operating system refuses
     */
    PipeWriter openWriter(String name, Set<PipeFlag> flags);

    /**
     * Removes a named pipe's file. Ends already open keep working; the name can be created
     * again at once. Needs {@link Rights#ADMIN}.
     *
     * @throws IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND if no pipe has that name;
     *                      PERMISSION_DENIED without ADMIN on it
     */
    void unlink(String name);
}
