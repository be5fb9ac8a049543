package org.multios.ipc.channels.ring;

import java.util.List;
import java.util.Set;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/**
 * Reads named objects of one type (queues, channels) from a copy of their files' headers, nothing
 * mapped and nothing written: as ipc-stat and the mechanism's own listing show them.
 */
public abstract class NamedObjectReader implements ObjectFileReader {
    private final ObjectType type;
    private final int headerLength;

    /** @param headerLength the bytes at the start of a file that describe its object */
    protected NamedObjectReader(ObjectType type, int headerLength) {
        this.type = type;
        this.headerLength = headerLength;
    }

    /** The object {@code name} of {@code directory}, described from a copy of its header made earlier. */
    public abstract ObjectInfo describe(ObjectDirectory directory, String name, ObjectDirectory.Opened header);

    /** The object {@code name} of {@code directory}, read from a copy of its header. */
    public final ObjectInfo snapshot(ObjectDirectory directory, String name) {
        return describe(directory, name, directory.snapshot(name, headerLength));
    }

    /**
     * Whether messages wait in a queue or channel, by its depth: such an object stays in a
     * collection whoever made it ({@link org.multios.ipc.core.mapped.StaleObjects}), since its
     * receiver may not have come yet (a program that sent and ended before the gateway read).
     */
    public static boolean holdsMessages(ObjectInfo info) {
        return info.statistics().get(Counter.DEPTH) > 0;
    }

    @Override
    public final Set<ObjectType> types() {
        return Set.of(type);
    }

    @Override
    public final List<String> names(IpcEnvironment environment, ObjectType ignored) {
        return new ObjectDirectory(environment, type).names();
    }

    @Override
    public final ObjectInfo read(IpcEnvironment environment, ObjectType ignored, String name) {
        return snapshot(new ObjectDirectory(environment, type), name);
    }
}
