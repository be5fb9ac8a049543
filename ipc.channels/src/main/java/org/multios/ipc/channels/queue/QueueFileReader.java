package org.multios.ipc.channels.queue;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.NamedObjectReader;
import org.multios.ipc.core.mapped.ObjectDirectory;

/** Named queues read from their files, as {@link MessageQueueMechanism#objects()} lists them. */
public final class QueueFileReader extends NamedObjectReader {
    public QueueFileReader() {
        super(ObjectType.QUEUE, QueueFileReader::snapshot);
    }

    /** A snapshot of a named queue read from a copy of its header (nothing mapped, nothing written). */
    static ObjectInfo snapshot(ObjectDirectory directory, String name) {
        return describe(directory, name, directory.snapshot(name, QueueDescriptor.RING_OFFSET));
    }

    /** A snapshot of a named queue from a copy of its header ({@link QueueDescriptor#RING_OFFSET} bytes). */
    static ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header) {
        return QueueFile.of(name, header, directory, header.attributes().size(), false, null).info();
    }
}
