package org.multios.ipc;


/** The kinds of IPC object. Each kind has its own namespace of names. */
public enum ObjectType {
    /** A bidirectional message channel ({@code org.multios.ipc.channel}). */
    CHANNEL("channel"),
    /** A priority message queue ({@code org.multios.ipc.queue}). */
    QUEUE("queue"),
    /** A unidirectional byte pipe, named (a FIFO) or unnamed ({@code org.multios.ipc.pipe}). */
    PIPE("pipe"),
    /** A shared memory segment ({@code org.multios.ipc.shm}). */
    SHARED_MEMORY("shm"),
    /** A counting semaphore ({@code org.multios.ipc.sync}). */
    SEMAPHORE("semaphore"),
    /** A mutex ({@code org.multios.ipc.sync}). */
    MUTEX("mutex"),
    /** A condition variable ({@code org.multios.ipc.sync}). */
    CONDITION("condition"),
    /** An event object ({@code org.multios.ipc.event}). */
    EVENT("event"),
    /** A process's signal disposition ({@code org.multios.ipc.signal}). */
    SIGNAL("signal"),
    /** A network listener or connection ({@code org.multios.ipc.net}). */
    ENDPOINT("endpoint");

    private final String label;

    ObjectType(String label) {
        this.label = label;
    }

    /** A short lower-case label, as used in messages, file names and console commands. */
    public String label() {
        return label;
    }

    /**
     * The type with the given label.
     *
     * @throws IpcException INVALID_ARGUMENT if no type has that label
     */
    public static ObjectType ofLabel(String label) {
        for (ObjectType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw IpcException.invalidArgument("unknown object type '" + label + "'");
    }
}
