package org.multios.ipc.queue;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.Permissions;
import org.multios.ipc.WaitStrategy;

/**
 * How a queue is created or opened by {@link MessageQueueService#create(String, QueueOptions)}:
 * its attributes ({@code mq_attr}), the open flags and the mode. Immutable; checked when made.
 * The platform's limits ({@link Limit#QUEUE_MESSAGES}, {@link Limit#MESSAGE_SIZE}) are checked
 * by the service when the queue is created. If the queue exists and {@link QueueFlag#EXCLUSIVE}
 * is absent, the existing queue is opened and the sizes and mode here are ignored, as in POSIX.
 *
 * @param maxMessageSize bytes of the largest message, at least 1
 * @param maxMessages    messages the queue holds, at least 1
 * @param flags          the open flags; an unmodifiable copy
 * @param mode           the permission bits, 0 to 0777, for the creator's user and primary group
 * @param waitStrategy   how waits on the queue spend the time before they sleep in the kernel;
 *                       null for the platform default (PID {@code org.multios.ipc.wait}).
 *                       A queue that exists already keeps the strategy it was created with
 * @param durability     where the queue lives and when its messages reach stable storage
 *                       ({@link QueueDurability}; {@link QueueDurability#NONE} by default). Unlike
 *                       the sizes, it is not ignored for a queue that exists: a create that
 *                       finds the name taken by a queue of another durability fails with
 *                       {@link org.multios.ipc.IpcError#ALREADY_EXISTS ALREADY_EXISTS}
 * @param lane           whether the queue is a lane: messages kept in the order they were sent
 *                       (a priority is carried to the receiver's {@code MessageInfo} but does not
 *                       reorder), its senders served one at a time and its receivers one at a
 *                       time, for the least a message costs: for one sending and one receiving
 *                       thread at a time; false: the oldest message of the highest priority
 *                       first, any number of senders and receivers at once. A lane is a ring of
 *                       records (a message with a header of 24 bytes, rounded up to 8) of a power
 *                       of two bytes, made large enough for {@code maxMessages} messages of
 *                       {@code maxMessageSize} bytes; it is full only when the ring is, so it may
 *                       hold more smaller messages than {@code maxMessages} (its attributes'
 *                       current messages then read {@code maxMessages}; its statistics' depth
 *                       counts them all). A claim or a handler
 *                       that reads in place holds its side until it returns, and another sender
 *                       (receiver) finds the queue full (empty) meanwhile, and waits as its wait
 *                       strategy says; a process killed holding a side is taken over, and the
 *                       message it was reading in place is lost. A lane lives in memory only: a
 *                       create of a lane with a durability other than {@code NONE} fails with
 *                       {@link org.multios.ipc.IpcError#INVALID_ARGUMENT INVALID_ARGUMENT}. Like
 *                       the durability, it is not ignored for a queue that exists: a create that
 *                       finds the name taken by a queue of the other kind fails with
 *                       {@link org.multios.ipc.IpcError#ALREADY_EXISTS ALREADY_EXISTS}
 */
public record QueueOptions(int maxMessageSize, int maxMessages, Set<QueueFlag> flags, int mode,
        WaitStrategy waitStrategy, QueueDurability durability, boolean lane) {

    /** The largest message of {@link #defaults()}: 8 KiB, the Linux default. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 8 * 1024;

    /** The message count of {@link #defaults()}: the default of {@link Limit#QUEUE_MESSAGES}. */
    public static final int DEFAULT_MAX_MESSAGES = (int) Limit.QUEUE_MESSAGES.defaultValue();

    /** The mode of {@link #defaults()}: read and write for the owner only. */
    public static final int DEFAULT_MODE = 0600;

    /**
     * Checks the options and copies the flags.
     *
     * @throws IpcException INVALID_ARGUMENT naming the option and its bound if
     *                      {@code maxMessageSize < 1}, {@code maxMessages < 1}, {@code flags} is
     *                      or holds null, {@code mode} is not in 0..0777, or {@code durability}
     *                      is null
     */
    public QueueOptions {
        if (maxMessageSize < 1) {
            throw IpcException.invalidArgument("queue maxMessageSize " + maxMessageSize + " must be at least 1 byte");
        }
        if (maxMessages < 1) {
            throw IpcException.invalidArgument("queue maxMessages " + maxMessages + " must be at least 1");
        }
        flags = copy(flags);
        if (mode < 0 || mode > Permissions.MAX_MODE) {
            throw IpcException.invalidArgument("queue mode " + Integer.toOctalString(mode) + " is outside 0..0777");
        }
        if (durability == null) {
            throw IpcException.invalidArgument("queue durability must not be null (NONE: in memory only)");
        }
    }

    /** Options of a queue that is not a lane ({@link #lane()}). */
    public QueueOptions(int maxMessageSize, int maxMessages, Set<QueueFlag> flags, int mode,
            WaitStrategy waitStrategy, QueueDurability durability) {
        this(maxMessageSize, maxMessages, flags, mode, waitStrategy, durability, false);
    }

    /** Options of a queue in memory ({@link QueueDurability#NONE}). */
    public QueueOptions(int maxMessageSize, int maxMessages, Set<QueueFlag> flags, int mode,
            WaitStrategy waitStrategy) {
        this(maxMessageSize, maxMessages, flags, mode, waitStrategy, QueueDurability.NONE);
    }

    /** Options of a queue in memory with the platform default wait strategy. */
    public QueueOptions(int maxMessageSize, int maxMessages, Set<QueueFlag> flags, int mode) {
        this(maxMessageSize, maxMessages, flags, mode, null);
    }

    /** Checks a set of flags and copies it into an unmodifiable set. */
    static Set<QueueFlag> copy(Set<QueueFlag> flags) {
        if (flags == null) {
            throw IpcException.invalidArgument("queue flags must not be null");
        }
        EnumSet<QueueFlag> copy = EnumSet.noneOf(QueueFlag.class);
        for (QueueFlag flag : flags) {
            if (flag == null) {
                throw IpcException.invalidArgument("queue flags must not contain null");
            }
            copy.add(flag);
        }
        return Collections.unmodifiableSet(copy);
    }

    /**
     * {@value #DEFAULT_MAX_MESSAGE_SIZE}-byte messages, {@link #DEFAULT_MAX_MESSAGES} of them,
     * no flags (open or create, blocking), mode {@value #DEFAULT_MODE} (octal).
     */
    public static QueueOptions defaults() {
        return new QueueOptions(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGES, Set.of(), DEFAULT_MODE);
    }

    /**
     * The given sizes with no flags and mode {@value #DEFAULT_MODE} (octal).
     *
     * @throws IpcException INVALID_ARGUMENT if a size is less than 1
     */
    public static QueueOptions of(int maxMessageSize, int maxMessages) {
        return new QueueOptions(maxMessageSize, maxMessages, Set.of(), DEFAULT_MODE);
    }

    /**
     * A copy with another largest message.
     *
     * @throws IpcException INVALID_ARGUMENT if it is less than 1
     */
    public QueueOptions withMaxMessageSize(int newMaxMessageSize) {
        return new QueueOptions(newMaxMessageSize, maxMessages, flags, mode, waitStrategy, durability, lane);
    }

    /**
     * A copy with another message count.
     *
     * @throws IpcException INVALID_ARGUMENT if it is less than 1
     */
    public QueueOptions withMaxMessages(int newMaxMessages) {
        return new QueueOptions(maxMessageSize, newMaxMessages, flags, mode, waitStrategy, durability, lane);
    }

    /**
     * A copy with exactly the given flags.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code newFlags} is or holds null
     */
    public QueueOptions withFlags(Set<QueueFlag> newFlags) {
        return new QueueOptions(maxMessageSize, maxMessages, newFlags, mode, waitStrategy, durability, lane);
    }

    /**
     * A copy with exactly the given flags.
     *
     * @throws IpcException INVALID_ARGUMENT if a flag is null
     */
    public QueueOptions withFlags(QueueFlag... newFlags) {
        if (newFlags == null) {
            throw IpcException.invalidArgument("queue flags must not be null");
        }
        return withFlags(new HashSet<>(Arrays.asList(newFlags)));
    }

    /**
     * A copy with another mode.
     *
     * @throws IpcException INVALID_ARGUMENT if it is not in 0..0777
     */
    public QueueOptions withMode(int newMode) {
        return new QueueOptions(maxMessageSize, maxMessages, flags, newMode, waitStrategy, durability, lane);
    }

    /** A copy with another wait strategy (null: the platform default). */
    public QueueOptions withWaitStrategy(WaitStrategy newWaitStrategy) {
        return new QueueOptions(maxMessageSize, maxMessages, flags, mode, newWaitStrategy, durability, lane);
    }

    /**
     * A copy with another durability.
     *
     * @throws IpcException INVALID_ARGUMENT if it is null
     */
    public QueueOptions withDurability(QueueDurability newDurability) {
        return new QueueOptions(maxMessageSize, maxMessages, flags, mode, waitStrategy, newDurability, lane);
    }

    /** A copy that is a lane (true) or a queue with priorities (false); see {@link #lane()}. */
    public QueueOptions withLane(boolean newLane) {
        return new QueueOptions(maxMessageSize, maxMessages, flags, mode, waitStrategy, durability, newLane);
    }

    /** Whether {@link QueueFlag#EXCLUSIVE} is set. */
    public boolean exclusive() {
        return flags.contains(QueueFlag.EXCLUSIVE);
    }

    /** Whether {@link QueueFlag#NON_BLOCKING} is set. */
    public boolean nonBlocking() {
        return flags.contains(QueueFlag.NON_BLOCKING);
    }
}
