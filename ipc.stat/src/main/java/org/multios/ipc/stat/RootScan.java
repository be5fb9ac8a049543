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
     */
    record Row(ObjectType type, String name, ObjectInfo info, IpcError error, String reason) {
        /** OK, or the error's code. */
        String status() {
            return error == null ? "OK" : error.name();
        }
    }

    private final IpcEnvironment environment;
    private final Map<ObjectType, ObjectFileReader> readers = new EnumMap<>(ObjectType.class);

    /** A scan of the root of {@code environment} with the readers the class path offers. */
    RootScan(IpcEnvironment environment) {
        this(environment, ServiceLoader.load(ObjectFileReader.class, RootScan.class.getClassLoader()));
    }

    RootScan(IpcEnvironment environment, Iterable<ObjectFileReader> available) {
        this.environment = environment;
        for (ObjectFileReader r : available) {
            r.types().forEach(t -> readers.putIfAbsent(t, r));
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
                rows.add(new Row(type, "*", null, e.error(), reason(e)));
                return;
            }
            for (String name : names) {
                try {
                    rows.add(new Row(type, name, reader.read(environment, type, name), null, null));
                } catch (IpcException e) {
                    if (e.error() != IpcError.NOT_FOUND) { // NOT_FOUND: unlinked since it was listed
                        rows.add(new Row(type, name, null, e.error(), reason(e)));
                    }
                } catch (RuntimeException e) { // a reader's bug must not end the pass either
                    rows.add(new Row(type, name, null, IpcError.CORRUPTED, e.toString()));
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
