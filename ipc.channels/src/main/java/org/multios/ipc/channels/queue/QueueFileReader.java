package org.multios.ipc.channels.queue;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.core.mapped.ObjectDirectory;

/** Named queues read from their files' headers ({@link QueueDescriptor#RING_OFFSET} bytes). */
public final class QueueFileReader extends NamedObjectReader {
    public QueueFileReader() {
        super(ObjectType.QUEUE, QueueDescriptor.RING_OFFSET);
    }

    @Override
    public ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header) {
        return QueueFile.of(name, header, directory, header.attributes().size(), false, null).info();
    }
}
