package org.multios.ipc.channels.queue;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/** Named queues read from their files, as {@link MessageQueueMechanism#objects()} lists them. */
public final class QueueFileReader implements ObjectFileReader {
    @Override
    public Set<ObjectType> types() {
        return Set.of(ObjectType.QUEUE);
    }

    @Override
    public List<String> names(IpcEnvironment environment, ObjectType type) {
        return new ObjectDirectory(environment, ObjectType.QUEUE).names();
    }

    @Override
    public ObjectInfo read(IpcEnvironment environment, ObjectType type, String name) {
        return describe(new ObjectDirectory(environment, ObjectType.QUEUE), name);
    }

    /** A snapshot of a named queue read from a copy of its header (nothing mapped, nothing written). */
    static ObjectInfo describe(ObjectDirectory directory, String name) {
        ObjectDirectory.Opened header = directory.snapshot(name, QueueDescriptor.RING_OFFSET);
        return QueueFile.of(name, header, directory, header.attributes().size(), false, null).info();
    }
}
