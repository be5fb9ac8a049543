package org.multios.ipc.channels.ring;

import java.util.Optional;

import org.multios.ipc.Permissions;

/** The object a {@link RingPort} is a handle on (a queue's or a channel's file), as the port names and changes it. */
public interface PortObject {
    /** The object's id (its file's inode). */
    long id();

    /** The object's name, empty for an anonymous one. */
    Optional<String> name();

    /** The object as messages name it. */
    String displayName();

    /** Changes the object's permissions. */
    void setPermissions(Permissions permissions);
}
