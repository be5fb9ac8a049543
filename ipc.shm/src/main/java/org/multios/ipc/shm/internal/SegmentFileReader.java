package org.multios.ipc.shm.internal;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/** Named segments read from their files, as {@link SharedMemoryMechanism#objects()} lists them. */
public final class SegmentFileReader implements ObjectFileReader {
    @Override
    public Set<ObjectType> types() {
        return Set.of(ObjectType.SHARED_MEMORY);
    }

    @Override
    public List<String> names(IpcEnvironment environment, ObjectType type) {
        return new ObjectDirectory(environment, ObjectType.SHARED_MEMORY).names();
    }

    @Override
    public ObjectInfo read(IpcEnvironment environment, ObjectType type, String name) {
        return SharedMemoryMechanism.describe(new ObjectDirectory(environment, ObjectType.SHARED_MEMORY), name);
    }
}
