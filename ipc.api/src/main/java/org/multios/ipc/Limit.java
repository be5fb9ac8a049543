package org.multios.ipc;


/**
 * The configurable limits of the platform, with the original specification's defaults. Every
 * limit is checked before any resource is taken and fails with
 * {@link IpcError#LIMIT_EXCEEDED} naming the limit ({@link #key()}).
 */
public enum Limit {
    /** Live channels in one mechanism instance. */
    CHANNELS("channels.max", 1024),
    /** Bytes of one shared memory segment. */
    SEGMENT_SIZE("shm.segment.size.max", 16L * 1024 * 1024),
    /** Messages one queue may hold. */
    QUEUE_MESSAGES("queue.messages.max", 256),
    /** Bytes of one message on a channel, queue or network connection. */
    MESSAGE_SIZE("message.size.max", 64L * 1024),
    /** Bytes of a channel's or pipe's buffer. */
    BUFFER_SIZE("buffer.size.max", 16L * 1024 * 1024),
    /** Signal handlers one process may register. */
    SIGNAL_HANDLERS("signal.handlers.max", 64),
    /** Live named and anonymous objects of one kind other than channels. */
    OBJECTS("objects.max", 65536),
    /** Concurrent network connections of one endpoint. */
    CONNECTIONS("net.connections.max", 256),
    /** Bytes of all the named objects' files under the IPC root, whoever owns them. */
    ROOT_BYTES("root.bytes.max", 1L << 30);

    private final String key;
    private final long defaultValue;

    Limit(String key, long defaultValue) {
        this.key = key;
        this.defaultValue = defaultValue;
    }

    /** The configuration key of the limit, also used in LIMIT_EXCEEDED messages. */
    public String key() {
        return key;
    }

    /** The default value, from the original specification where it names one. */
    public long defaultValue() {
        return defaultValue;
    }
}
