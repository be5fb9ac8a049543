package org.multios.ipc;


/**
 * Message priorities: {@value #MIN} to {@value #MAX}, higher received first, first in first out
 * within one priority (the order of POSIX message queues).
 */
public final class Priority {
    /** The lowest priority. */
    public static final int MIN = 0;
    /** The highest priority. */
    public static final int MAX = 31;
    /** The priority of messages sent without one. */
    public static final int DEFAULT = 0;
    /** The number of distinct priorities. */
    public static final int LEVELS = MAX - MIN + 1;

    private Priority() {
    }

    /**
     * Returns the priority if it is in range.
     *
     * @throws IpcException INVALID_ARGUMENT naming the object and the range
     */
    public static int requireValid(int priority, String object) {
        if (priority < MIN || priority > MAX) {
            throw IpcException.invalidArgument(object + ": priority " + priority + " is outside " + MIN + ".." + MAX);
        }
        return priority;
    }
}
