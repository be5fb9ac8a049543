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
        ObjectDirectory.Opened header = directory.snapshot(name, ChannelDescriptor.RINGS_OFFSET);
        return ChannelFile.of(name, header, directory, header.attributes().size(), false).info(null);
    }
}
