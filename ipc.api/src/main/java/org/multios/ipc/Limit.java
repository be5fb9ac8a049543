package org.multios.ipc;


/**
 * The configurable limits of the platform, with the original specification's defaults. Every
 * limit is checked before any resource is taken and fails with
 * {@link IpcError#LIMIT_EXCEEDED} naming the limit ({@link #key()}).
 */
public enum Limit {
    /** Live channels in one mechanism instance. */
    CHANNELS("channels.max", Defaults.CHANNELS),
    /** Bytes of one shared memory segment. */
    SEGMENT_SIZE("shm.segment.size.max", Defaults.SEGMENT_SIZE),
    /** Messages one queue may hold. */
    QUEUE_MESSAGES("queue.messages.max", Defaults.QUEUE_MESSAGES),
    /** Bytes of one message on a channel, queue or network connection. */
    MESSAGE_SIZE("message.size.max", Defaults.MESSAGE_SIZE),
    /** Bytes of a channel's or pipe's buffer. */
    BUFFER_SIZE("buffer.size.max", Defaults.BUFFER_SIZE),
    /** Signal handlers one process may register. */
    SIGNAL_HANDLERS("signal.handlers.max", Defaults.SIGNAL_HANDLERS),
    /** Live named and anonymous objects of one kind other than channels. */
    OBJECTS("objects.max", Defaults.OBJECTS),
    /** Concurrent network connections of one endpoint. */
    CONNECTIONS("net.connections.max", Defaults.CONNECTIONS),
    /** Bytes of all the named objects' files under the IPC root, whoever owns them. */
    ROOT_BYTES("root.bytes.max", Defaults.ROOT_BYTES);

    /**
     * The defaults as compile-time constants, for the places that need one (annotations of
     * configuration descriptions); {@link #defaultValue()} gives the same values.
     */
    public static final class Defaults {
        /** The default of {@link Limit#CHANNELS}. */
        public static final long CHANNELS = 1024;
        /** The default of {@link Limit#SEGMENT_SIZE}. */
        public static final long SEGMENT_SIZE = 16L * 1024 * 1024;
        /** The default of {@link Limit#QUEUE_MESSAGES}. */
        public static final long QUEUE_MESSAGES = 256;
        /** The default of {@link Limit#MESSAGE_SIZE}. */
        public static final long MESSAGE_SIZE = 64L * 1024;
        /** The default of {@link Limit#BUFFER_SIZE}. */
        public static final long BUFFER_SIZE = 16L * 1024 * 1024;
        /** The default of {@link Limit#SIGNAL_HANDLERS}. */
        public static final long SIGNAL_HANDLERS = 64;
        /** The default of {@link Limit#OBJECTS}. */
        public static final long OBJECTS = 65536;
        /** The default of {@link Limit#CONNECTIONS}. */
        public static final long CONNECTIONS = 256;
        /** The default of {@link Limit#ROOT_BYTES}. */
        public static final long ROOT_BYTES = 1L << 30;

        private Defaults() {
        }
    }

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
