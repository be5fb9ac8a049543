package org.multios.ipc.spi;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ObjectInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads the named objects of some kinds straight from their files under an IPC root, for tools
 * that run beside the platform rather than in it (the {@code ipc-stat} command): no provider is
 * started, no process registered, nothing written and nothing mapped (each read copies the
 * file's header page, so the reader never counts as a user of the object). Mechanism jars list
 * their readers in {@code META-INF/services/org.multios.ipc.spi.ObjectFileReader}; a reader
 * decodes its kinds' layouts exactly as its mechanism lists them.
 */
@ProviderType
public interface ObjectFileReader {
    /** The kinds of named object this reads. */
    Set<ObjectType> types();

    /**
     * The names of the objects of a kind present now under the environment's root, sorted;
     * none if the root or the kind's directory does not exist.
     *
     * @throws org.multios.ipc.IpcException PERMISSION_DENIED if the root is not a trusted directory
     */
    List<String> names(IpcEnvironment environment, ObjectType type);

    /**
     * A snapshot of one named object, its counters read from its file.
     *
     * @throws org.multios.ipc.IpcException NOT_FOUND if it is gone; CORRUPTED, naming the object,
     *                                      if its file is not an object of this kind and layout
     */
    ObjectInfo read(IpcEnvironment environment, ObjectType type, String name);
}
