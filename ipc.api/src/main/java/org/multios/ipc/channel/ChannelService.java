package org.multios.ipc.channel;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates and opens channels. A bundle-scoped service: the calling bundle is the process that
 * owns every handle it returns, and its anonymous channels and handles close when it releases
 * the service or stops. Outside OSGi, {@link org.multios.ipc.IpcContext#service} gives it for
 * the OS process.
 *
 * <p>Names follow {@link IpcNames} and are checked with
 * {@link IpcNames#requireValid(ObjectType, String)} before anything else (INVALID_ARGUMENT).
 * Channels have their own namespace. A named channel is owned by the creator's user and
 * primary group with the mode of its {@link ChannelOptions}; opening it grants rights by those
 * permissions and the security policy. No method here waits.
 *
 * <p>Creating fails with LIMIT_EXCEEDED, before anything is taken, if
 * {@link Limit#CHANNELS} channels (anonymous and named) already live, if the buffer size
 * exceeds {@link Limit#BUFFER_SIZE} or the largest message {@link Limit#MESSAGE_SIZE}, or if
 * the caller's {@link Quota#OBJECTS} quota is used up.
 */
@ProviderType
public interface ChannelService {

    /**
     * Creates an anonymous channel, as the original specification's
     * {@code create_channel(buffer_size)}: {@link ChannelOptions#ofBufferSize(int)}. The caller
     * gets both ends with {@link Rights#ALL}.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code bufferSize < 1}; LIMIT_EXCEEDED as
     *                      described in the class description
     */
    default Channel create(int bufferSize) {
        return create(ChannelOptions.ofBufferSize(bufferSize));
    }

    /**
     * Creates an anonymous channel. The caller gets both ends with {@link Rights#ALL}.
     *
     * @throws IpcException INVALID_ARGUMENT if options is null; LIMIT_EXCEEDED as described in
     *                      the class description
     */
    Channel create(ChannelOptions options);

    /**
     * Opens or creates a named channel (the platform's create rule, see {@link org.multios.ipc})
     * and returns its end {@link ChannelSide#A}: a creator's with {@link Rights#ALL}, else as
     * {@link #open(String, ChannelSide)} gives it; an existing channel must have the buffer
     * size, message count, largest message and kind ({@link ChannelOptions#lane()}) asked for
     * (its mode stays).
     * {@link ChannelOptions#withExclusive(boolean)} demands a new channel. Peers open end
     * {@link ChannelSide#B} (or A too) with {@link #open(String, ChannelSide)}.
     *
     * @throws IpcException INVALID_ARGUMENT for a bad name or null options; ALREADY_EXISTS for
     *                      an exclusive create of a taken name or an existing channel whose sizes
     *                      or kind differ; LIMIT_EXCEEDED as described in the class
     *                      description; IO_ERROR if its file cannot be made in the IPC root
     */
    ChannelEnd create(String name, ChannelOptions options);

    /**
     * Opens an end of a named channel for sending and receiving: as
     * {@link #open(String, ChannelSide, int)} with {@link Rights#READ_WRITE}.
     */
    default ChannelEnd open(String name, ChannelSide side) {
        return open(name, side, Rights.READ_WRITE);
    }

    /**
     * Opens an end of a named channel with the given rights: {@link Rights#READ} to receive,
     * {@link Rights#WRITE} to send. The handle carries every right granted, which may be more.
     *
     * @param rights the {@link Rights} asked for, not {@link Rights#NONE}
     * @throws IpcException INVALID_ARGUMENT for a bad name, a null side or bad rights; NOT_FOUND
     *                      if no channel has that name; PERMISSION_DENIED if a right asked for is
     *                      not granted; CORRUPTED if its file is not a channel of this format
     */
    ChannelEnd open(String name, ChannelSide side, int rights);

    /**
     * Removes a channel's name. Handles already open keep working; the channel goes when the
     * last of them closes. The name can be created again at once. Needs {@link Rights#ADMIN}.
     *
     * @throws IpcException INVALID_ARGUMENT for a bad name; NOT_FOUND if no channel has that
     *                      name; PERMISSION_DENIED without ADMIN on it
     */
    void unlink(String name);
}
