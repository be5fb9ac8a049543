package org.multios.ipc.sync.internal;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/**
 * Named semaphores, mutexes, conditions and events read from their pages, as the sync
 * mechanisms list them. Wait-time percentiles live in the JVMs that waited, not in the pages:
 * read here, they are empty.
 */
public final class SyncFileReader implements ObjectFileReader {
    private static final Set<ObjectType> TYPES = Set.of(ObjectType.SEMAPHORE, ObjectType.MUTEX, ObjectType.CONDITION,
            ObjectType.EVENT);

    @Override
    public Set<ObjectType> types() {
        return TYPES;
    }

    @Override
    public List<String> names(IpcEnvironment environment, ObjectType type) {
        return new ObjectDirectory(environment, checked(type)).names();
    }

    @Override
    public ObjectInfo read(IpcEnvironment environment, ObjectType type, String name) {
        return SyncStore.describe(new ObjectDirectory(environment, checked(type)), type, name,
                region -> SyncMechanism.capacityOf(type, region));
    }

    private static ObjectType checked(ObjectType type) {
        if (!TYPES.contains(type)) {
            throw IpcException.invalidArgument("the sync reader reads no " + type.label() + " objects");
        }
        return type;
    }
}
