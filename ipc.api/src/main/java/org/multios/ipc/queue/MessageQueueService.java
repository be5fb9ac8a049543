package org.multios.ipc.queue;

import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates, opens and unlinks named message queues. A bundle-scoped service: the calling bundle
 * is the process that owns every handle it returns, and its handles close when it releases the
 * service or stops (the queues stay). Outside OSGi, {@link org.multios.ipc.IpcContext#service}
 * gives it for the OS process.
 *
 * <p>Names follow {@link IpcNames} and are checked with
 * {@link IpcNames#requireValid(ObjectType, String)} before anything else (INVALID_ARGUMENT);
 * queues have their own namespace. A queue is owned by its creator's user and primary group
 * with the mode of its {@link QueueOptions}; opening it grants rights by those permissions and
 * the security policy. No method here waits.
 *
 * <p>Creating fails with LIMIT_EXCEEDED, before anything is taken, if the message count exceeds
 * {@link Limit#QUEUE_MESSAGES}, the largest message {@link Limit#MESSAGE_SIZE}, if
 * {@link Limit#OBJECTS} queues already live or the caller's {@link Quota#OBJECTS} quota is
 * used up.
 */
@ProviderType
public interface MessageQueueService {

    /**
     * Opens the named queue, creating it if it does not exist ({@code mq_open} with
     * {@code O_CREAT}, plus {@code O_EXCL} if {@link QueueFlag#EXCLUSIVE} is in the options).
     * This is the platform's create rule (see {@link org.multios.ipc}). A creator gets
     * {@link Rights#ALL}; opening an existing queue asks for {@link Rights#READ_WRITE}, and the
     * queue must have the largest message, message count and durability of {@code options} (its
     * mode stays).
     *
     * @throws IpcException INVALID_ARGUMENT for a bad name or null options; ALREADY_EXISTS if
     *                      the queue exists and the options hold {@link QueueFlag#EXCLUSIVE}, or
     *                      its sizes or durability differ from the options';
     *                      PERMISSION_DENIED if the queue exists and does not grant read and
     *                      write; LIMIT_EXCEEDED as described in the class description;
     *                      CORRUPTED if an existing file of that name is not a queue of this
     *                      format; IO_ERROR if its file cannot be made in the IPC root
     */
    MessageQueue create(String name, QueueOptions options);

    /**
     * The original specification's {@code create_message_queue(name, max_msg_size, max_msgs,
     * flags)}: {@link #create(String, QueueOptions)} with
     * {@code QueueOptions.of(maxMessageSize, maxMessages).withFlags(flags)}.
     *
     * @throws IpcException INVALID_ARGUMENT for a size less than 1 or null flags; otherwise as
     *                      {@link #create(String, QueueOptions)}
     */
    MessageQueue create(String name, int maxMessageSize, int maxMessages, Set<QueueFlag> flags);

    /**
     * Opens an existing queue for sending and receiving, blocking: as
     * {@link #open(String, int, Set)} with {@link Rights#READ_WRITE} and no flags.
     */
    MessageQueue open(String name);

    /**
     * Opens an existing queue with the given rights ({@link Rights#READ} to receive,
     * {@link Rights#WRITE} to send, as {@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}). The
     * handle carries every right granted, which may be more.
     *
     * @param rights the {@link Rights} asked for, not {@link Rights#NONE}
     * @param flags  {@link QueueFlag#NON_BLOCKING} or none
     * @throws IpcException INVALID_ARGUMENT for a bad name, bad rights, null flags or
     *                      {@link QueueFlag#EXCLUSIVE}; NOT_FOUND if no queue has that name;
     *                      PERMISSION_DENIED if a right asked for is not granted; CORRUPTED if
     *                      its file is not a queue of this format
     */
    MessageQueue open(String name, int rights, Set<QueueFlag> flags);

    /**
     * Removes a queue's name ({@code mq_unlink}). Handles already open keep working; the queue
     * and its messages go when the last of them closes. The name can be created again at once.
     * Needs {@link Rights#ADMIN}.
     *
     * @throws IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND if no queue has that name;
     *                      PERMISSION_DENIED without ADMIN on it
     */
    void unlink(String name);
}
