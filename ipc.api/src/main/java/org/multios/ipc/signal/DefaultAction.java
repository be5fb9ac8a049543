package org.multios.ipc.signal;


/**
 * What happens to an IPC process when a signal is delivered to it and it neither handles nor
 * ignores it. These are the platform's actions for IPC processes (a bundle cannot be core
 * dumped or suspended), not the operating system's.
 */
public enum DefaultAction {
    /**
     * The process ends: a bundle is stopped (as by the framework, so its objects are released
     * and its waiters woken with CLOSED); an OS process attached through the plain-Java
     * bootstrap has its {@link org.multios.ipc.IpcContext} closed (the JVM itself goes on).
     */
    TERMINATE,
    /** Nothing happens; the signal is discarded. */
    IGNORE
}
