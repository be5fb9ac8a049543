package org.multios.ipc.channels.pipe;

import java.util.Optional;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Permissions;

/** What an end knows of the pipe it belongs to: identity, counters, permissions and a snapshot. */
interface PipeTarget {
    long id();

    /** The pipe's name; none for an unnamed pipe. */
    default Optional<String> name() {
        return Optional.empty();
    }

    /** {@code pipe 'name'} or {@code unnamed pipe #id}, for messages. */
    String displayName();

    PipeCounters counters();

    ObjectInfo info();

    void setPermissions(Permissions permissions);
}
