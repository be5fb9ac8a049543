package org.multios.ipc.channels.ring;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.spi.ObjectFileReader;

/** Reads named objects of one type (queues, channels) from their files, as ipc-stat lists them. */
public class NamedObjectReader implements ObjectFileReader {
    private final ObjectType type;
    private final BiFunction<ObjectDirectory, String, ObjectInfo> snapshot;

    /** @param snapshot reads one named object from a copy of its header (nothing mapped, nothing written) */
    protected NamedObjectReader(ObjectType type, BiFunction<ObjectDirectory, String, ObjectInfo> snapshot) {
        this.type = type;
        this.snapshot = snapshot;
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
        return snapshot.apply(new ObjectDirectory(environment, type), name);
    }
}
