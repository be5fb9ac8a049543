package org.multios.ipc.channels.channel;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.core.mapped.ObjectDirectory;

/** Named channels read from their files, as {@link ChannelMechanism#objects()} lists them. */
public final class ChannelFileReader extends NamedObjectReader {
    public ChannelFileReader() {
        super(ObjectType.CHANNEL, ChannelFileReader::snapshot);
    }

    /** A snapshot of a named channel read from a copy of its header (nothing mapped, nothing written). */
    static ObjectInfo snapshot(ObjectDirectory directory, String name) {
        return describe(directory, name, directory.snapshot(name, ChannelDescriptor.RINGS_OFFSET));
    }

    /** A snapshot of a named channel from a copy of its header ({@link ChannelDescriptor#RINGS_OFFSET} bytes). */
    static ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header) {
        return ChannelFile.of(name, header, directory, header.attributes().size(), false).info(null);
    }
}
