package org.multios.ipc.stat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.spi.ObjectFileReader;

/**
 * One pass over an IPC root: every named object of every kind some mechanism jar on the class
 * path reads ({@link ObjectFileReader}), each as its snapshot or as the error its file gave. An
 * object that cannot be read does not stop the pass: a damaged file is one row saying CORRUPTED.
 */
final class RootScan {
    /**
     * One object of the pass.
     *
     * @param type   its kind
     * @param name   its name
     * @param info   its snapshot, or null if it could not be read
     * @param error  why it could not be read (CORRUPTED, PERMISSION_DENIED, ...), or null
     * @param reason the error's message, or null
     * @param durable whether it is a queue of the durable root
     */
    record Row(ObjectType type, String name, ObjectInfo info, IpcError error, String reason, boolean durable) {
        /** OK, or the error's code. */
        String status() {
            return error == null ? "OK" : error.name();
        }

        /** The kind as shown: {@code durable} for a queue of the durable root, else its label. */
        String kind() {
            return durable ? "durable" : type.label();
        }
    }

    private final IpcEnvironment environment;
    private final boolean durable;
    private final Map<ObjectType, ObjectFileReader> readers = new EnumMap<>(ObjectType.class);

    /** A scan of the root of {@code environment} with the readers the class path offers. */
    RootScan(IpcEnvironment environment) {
        this(environment, ServiceLoader.load(ObjectFileReader.class, RootScan.class.getClassLoader()), false);
    }

    /**
     * A scan of the queues of a durable root (laid out as an IPC root, with queues only) with the
     * readers the class path offers.
     */
    static RootScan durable(java.nio.file.Path durableRoot) {
        return new RootScan(new IpcEnvironment(durableRoot, org.multios.ipc.IpcLimits.defaults()),
                ServiceLoader.load(ObjectFileReader.class, RootScan.class.getClassLoader()), true);
    }

    RootScan(IpcEnvironment environment, Iterable<ObjectFileReader> available, boolean durable) {
        this.environment = environment;
        this.durable = durable;
        for (ObjectFileReader r : available) {
            r.types().stream().filter(t -> !durable || t == ObjectType.QUEUE).forEach(t -> readers.putIfAbsent(t, r));
        }
    }

    /** The kinds read. */
    List<ObjectType> kinds() {
        return List.copyOf(readers.keySet());
    }

    /** Every object now, by kind and name; an error of a whole kind (an untrusted directory) is one row. */
    List<Row> scan() {
        List<Row> rows = new ArrayList<>();
        readers.forEach((type, reader) -> {
            List<String> names;
            try {
                names = reader.names(environment, type);
            } catch (IpcException e) {
                rows.add(new Row(type, "*", null, e.error(), reason(e), durable));
                return;
            }
            for (String name : names) {
                try {
                    rows.add(new Row(type, name, reader.read(environment, type, name), null, null, durable));
                } catch (IpcException e) {
                    if (e.error() != IpcError.NOT_FOUND) { // NOT_FOUND: unlinked since it was listed
                        rows.add(new Row(type, name, null, e.error(), reason(e), durable));
                    }
                } catch (RuntimeException e) { // a reader's bug must not end the pass either
                    rows.add(new Row(type, name, null, IpcError.CORRUPTED, e.toString(), durable));
                }
            }
        });
        rows.sort(Comparator.comparing(Row::type).thenComparing(Row::name));
        return rows;
    }

    /** The exception's message without the code its message starts with (the row's status says it). */
    private static String reason(IpcException e) {
        String prefix = e.error().name() + ": ";
        String m = String.valueOf(e.getMessage());
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
