package org.multios.ipc.channels.channel;

import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/** Named channels read from their files, as {@link ChannelMechanism#objects()} lists them. */
public final class ChannelFileReader implements ObjectFileReader {
    @Override
    public Set<ObjectType> types() {
        return Set.of(ObjectType.CHANNEL);
    }

    @Override
    public List<String> names(IpcEnvironment environment, ObjectType type) {
        return new ObjectDirectory(environment, ObjectType.CHANNEL).names();
    }

    @Override
    public ObjectInfo read(IpcEnvironment environment, ObjectType type, String name) {
        return describe(new ObjectDirectory(environment, ObjectType.CHANNEL), name);
    }

    /** A snapshot of a named channel read from a copy of its header (nothing mapped, nothing written). */
    static ObjectInfo describe(ObjectDirectory directory, String name) {
        ObjectDirectory.Opened header = directory.snapshot(name, ChannelDescriptor.RINGS_OFFSET);
        return ChannelFile.of(name, header, directory, header.attributes().size(), false).info(null);
    }
}
