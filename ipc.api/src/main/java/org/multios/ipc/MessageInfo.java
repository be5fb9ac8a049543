package org.multios.ipc;


/**
 * Facts about a received message, filled in by a receive call into a holder the receiver
 * supplies and reuses, so that receiving allocates nothing: length, priority and the sender's
 * identity. Not thread-safe: one holder per receiving thread.
 */
public final class MessageInfo {
    private int length;
    private int priority;
    private ProcessKind senderKind = ProcessKind.BUNDLE;
    private long senderId;
    private long senderPid;

    /** Called by mechanisms when a message is received into the caller's buffer. */
    public MessageInfo set(int length, int priority, ProcessKind senderKind, long senderId, long senderPid) {
        this.length = length;
        this.priority = priority;
        this.senderKind = senderKind;
        this.senderId = senderId;
        this.senderPid = senderPid;
        return this;
    }

    /** Bytes of the message. */
    public int length() {
        return length;
    }

    /** Priority of the message, {@link Priority#MIN} to {@link Priority#MAX}. */
    public int priority() {
        return priority;
    }

    /** What kind of IPC process sent it. */
    public ProcessKind senderKind() {
        return senderKind;
    }

    /** The sender's {@link IpcProcess#id()}. */
    public long senderId() {
        return senderId;
    }

    /** The OS process the sender runs in. */
    public long senderPid() {
        return senderPid;
    }

    @Override
    public String toString() {
        return length + " bytes, priority " + priority + ", from " + senderKind + " " + senderId + " (pid " + senderPid
                + ")";
    }
}
