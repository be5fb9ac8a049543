package org.multios.ipc.channel;

import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.Permissions;
import org.multios.ipc.WaitStrategy;

/**
 * How a channel is made: the capacity of each direction, the largest message and, for a named
 * channel, its mode. Immutable; checked when made, so an instance is always consistent. The
 * platform's limits ({@link Limit#BUFFER_SIZE}, {@link Limit#MESSAGE_SIZE}) are checked
 * later, by {@link ChannelService} when the channel is created.
 *
 * <p>A direction is full when a message would take it past {@code bufferSize} bytes of
 * message data or past {@code maxMessages} messages; a sender then waits (or {@code trySend}
 * returns {@code false}). Where {@code maxMessages x maxMessageSize <= bufferSize} the message
 * count alone keeps the bytes within the buffer, and each direction keeps no shared count of
 * bytes: the fastest channels are sized that way. A channel of lanes is full only when its ring
 * of records is (see {@code lane} below).
 *
 * @param bufferSize     bytes of message data each direction holds, at least 1: the original
 *                       specification's {@code buffer_size}
 * @param maxMessages    messages each direction holds, or {@link #NO_MESSAGE_LIMIT} for no
 *                       bound but {@code bufferSize}
 * @param maxMessageSize bytes of the largest message, 1 to {@code bufferSize}
 * @param mode           the permission bits of a named channel, 0 to 0777, for the creator's
 *                       user and primary group; an anonymous channel reports them but is
 *                       reachable only through its handles
 * @param waitStrategy   how waits on the channel spend the time before they sleep in the kernel;
 *                       null for the platform default (PID {@code org.multios.ipc.wait}),
 *                       which the channel then reports
 * @param exclusive      whether a named create must make a new channel (ALREADY_EXISTS if the
 *                       name is taken) instead of opening an existing one; see
 *                       {@link ChannelService#create(String, ChannelOptions)}
 * @param lane           whether each direction is a lane: messages kept in the order they were sent
 *                       (a priority is carried to the receiver's {@code MessageInfo} but does not
 *                       reorder), its senders served one at a time and its receivers one at a time,
 *                       for the least a message costs: for one sending and one receiving thread per
 *                       direction; false: priorities first, any number of senders and receivers at
 *                       once. A lane is a ring of records (a message with a header of 24 bytes,
 *                       rounded up to 8) of a power of two bytes, made large enough for
 *                       {@code bufferSize} bytes in {@code maxMessages} messages (without a message limit,
 *                       in as many as {@link #NO_MESSAGE_LIMIT} says); it is full only when the
 *                       ring is, so it may hold more messages and bytes than those two bound. A
 *                       claim or a handler that reads in place holds its side until it returns, and
 *                       another sender or receiver of that direction finds it full (empty)
 *                       meanwhile, and waits as its wait strategy says; a process
 *                       killed holding a side is taken over, and the message it was reading in
 *                       place is lost
 */
public record ChannelOptions(int bufferSize, int maxMessages, int maxMessageSize, int mode,
        WaitStrategy waitStrategy, boolean exclusive, boolean lane) {

    /**
     * {@link #maxMessages()} value for no message count of the caller's choosing: the bytes bound the
     * messages queued, and so do the slots the channel is made with (as many as about 4 MiB of
     * slots of the largest message hold, at most 1024 and at most the buffer size, at least one).
     */
    public static final int NO_MESSAGE_LIMIT = 0;

    /** The mode of {@link #ofBufferSize}: read and write for the owner only. */
    public static final int DEFAULT_MODE = 0600;

    /** The buffer size of {@link #defaults()}: 64 KiB. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

    /**
     * Checks the options.
     *
     * @throws IpcException INVALID_ARGUMENT naming the option and its bound if
     *                      {@code bufferSize < 1}, {@code maxMessages < 0},
     *                      {@code maxMessageSize} is not in 1..bufferSize or {@code mode} is not
     *                      in 0..0777
     */
    public ChannelOptions {
        if (bufferSize < 1) {
            throw IpcException.invalidArgument("channel bufferSize " + bufferSize + " must be at least 1 byte");
        }
        if (maxMessages < 0) {
            throw IpcException.invalidArgument("channel maxMessages " + maxMessages + " must be at least 1, or "
                    + NO_MESSAGE_LIMIT + " for no limit");
        }
        if (maxMessageSize < 1 || maxMessageSize > bufferSize) {
            throw IpcException.invalidArgument("channel maxMessageSize " + maxMessageSize + " is outside 1..bufferSize ("
                    + bufferSize + ")");
        }
        if (mode < 0 || mode > Permissions.MAX_MODE) {
            throw IpcException.invalidArgument("channel mode " + Integer.toOctalString(mode) + " is outside 0..0777");
        }
    }

    /** Options of a channel with priorities. */
    public ChannelOptions(int bufferSize, int maxMessages, int maxMessageSize, int mode, WaitStrategy waitStrategy,
            boolean exclusive) {
        this(bufferSize, maxMessages, maxMessageSize, mode, waitStrategy, exclusive, false);
    }

    /** Options that open an existing channel of the name, if there is one. */
    public ChannelOptions(int bufferSize, int maxMessages, int maxMessageSize, int mode, WaitStrategy waitStrategy) {
        this(bufferSize, maxMessages, maxMessageSize, mode, waitStrategy, false);
    }

    /** Options with the platform default wait strategy. */
    public ChannelOptions(int bufferSize, int maxMessages, int maxMessageSize, int mode) {
        this(bufferSize, maxMessages, maxMessageSize, mode, null);
    }

    /**
     * Options for a buffer of the given bytes per direction, as the original specification's
     * {@code create_channel(buffer_size)}: no message count bound, the largest message is the
     * smaller of the buffer and the default {@link Limit#MESSAGE_SIZE}, mode
     * {@value #DEFAULT_MODE} (octal).
     *
     * @throws IpcException INVALID_ARGUMENT if {@code bufferSize < 1}
     */
    public static ChannelOptions ofBufferSize(int bufferSize) {
        int maxMessageSize = (int) Math.min(Math.max(bufferSize, 1), Limit.MESSAGE_SIZE.defaultValue());
        return new ChannelOptions(bufferSize, NO_MESSAGE_LIMIT, maxMessageSize, DEFAULT_MODE);
    }

    /** {@link #ofBufferSize} of {@value #DEFAULT_BUFFER_SIZE} bytes. */
    public static ChannelOptions defaults() {
        return ofBufferSize(DEFAULT_BUFFER_SIZE);
    }

    /**
     * A copy with another buffer size. The largest message is lowered to the new size if it
     * was larger.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code newBufferSize < 1}
     */
    public ChannelOptions withBufferSize(int newBufferSize) {
        return new ChannelOptions(newBufferSize, maxMessages, Math.min(maxMessageSize, Math.max(newBufferSize, 1)),
                mode, waitStrategy, exclusive, lane);
    }

    /**
     * A copy with another bound on the message count.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code newMaxMessages < 0}
     */
    public ChannelOptions withMaxMessages(int newMaxMessages) {
        return new ChannelOptions(bufferSize, newMaxMessages, maxMessageSize, mode, waitStrategy, exclusive, lane);
    }

    /**
     * A copy with another largest message.
     *
     * @throws IpcException INVALID_ARGUMENT if it is not in 1..bufferSize
     */
    public ChannelOptions withMaxMessageSize(int newMaxMessageSize) {
        return new ChannelOptions(bufferSize, maxMessages, newMaxMessageSize, mode, waitStrategy, exclusive, lane);
    }

    /**
     * A copy with another mode.
     *
     * @throws IpcException INVALID_ARGUMENT if it is not in 0..0777
     */
    public ChannelOptions withMode(int newMode) {
        return new ChannelOptions(bufferSize, maxMessages, maxMessageSize, newMode, waitStrategy, exclusive, lane);
    }

    /** A copy with another wait strategy (null: the platform default). */
    public ChannelOptions withWaitStrategy(WaitStrategy newWaitStrategy) {
        return new ChannelOptions(bufferSize, maxMessages, maxMessageSize, mode, newWaitStrategy, exclusive, lane);
    }

    /** A copy whose named create demands a new channel (or, with false, opens an existing one). */
    public ChannelOptions withExclusive(boolean newExclusive) {
        return new ChannelOptions(bufferSize, maxMessages, maxMessageSize, mode, waitStrategy, newExclusive, lane);
    }

    /** A copy whose directions are lanes (true) or rings with priorities (false); see {@link #lane()}. */
    public ChannelOptions withLane(boolean newLane) {
        return new ChannelOptions(bufferSize, maxMessages, maxMessageSize, mode, waitStrategy, exclusive, newLane);
    }

    /** Whether the message count is bounded by {@link #maxMessages()} as well as by bytes. */
    public boolean hasMessageLimit() {
        return maxMessages != NO_MESSAGE_LIMIT;
    }
}
