package org.multios.ipc;


/** What an {@link IpcProcess} is. */
public enum ProcessKind {
    /** A bundle in this framework, identified by its bundle id. */
    BUNDLE,
    /** An operating-system process on this machine, identified by pid and start time. */
    OS_PROCESS,
    /** A peer on another machine or socket, identified by what its transport authenticated. */
    REMOTE
}
