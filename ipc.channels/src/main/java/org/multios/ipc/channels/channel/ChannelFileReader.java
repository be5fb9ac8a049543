package org.multios.ipc.channels.channel;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.core.mapped.ObjectDirectory;

/** Named channels read from their files' headers ({@link ChannelDescriptor#RINGS_OFFSET} bytes). */
public final class ChannelFileReader extends NamedObjectReader {
    public ChannelFileReader() {
        super(ObjectType.CHANNEL, ChannelDescriptor.RINGS_OFFSET);
    }

    @Override
    public ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header) {
        return ChannelFile.of(name, header, directory, header.attributes().size(), false).info(null);
    }
}
