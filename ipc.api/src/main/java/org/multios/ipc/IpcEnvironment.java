package org.multios.ipc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;


/**
 * Where and within which limits a mechanism works: the IPC root directory, under which named
 * objects live as files (one sub-directory per mechanism), and the limits. Immutable.
 *
 * <p>The default root is a per-user directory on {@code /dev/shm} where it exists (memory
 * backed, visible to every process of the machine), else under {@code java.io.tmpdir}.
 *
 * @param root   the IPC root directory
 * @param limits the limits in force
 */
public record IpcEnvironment(Path root, IpcLimits limits) {

    /** Name of the system property (and configuration key) that overrides the default root. */
    public static final String ROOT_PROPERTY = "org.multios.ipc.root";

    /** Checks that both parts are present. */
    public IpcEnvironment {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(limits, "limits");
    }

    /** The default root with the default limits. */
    public static IpcEnvironment defaults() {
        return new IpcEnvironment(defaultRoot(), IpcLimits.defaults());
    }

    /**
     * The default IPC root: the system property {@value #ROOT_PROPERTY} if set, else
     * {@code /dev/shm/multios-ipc-<user>} where /dev/shm exists, else
     * {@code <java.io.tmpdir>/multios-ipc-<user>}.
     */
    public static Path defaultRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String dir = "multios-ipc-" + System.getProperty("user.name", "user");
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm.resolve(dir) : Path.of(System.getProperty("java.io.tmpdir"), dir);
    }


    /** The directory of one kind of object under the root, for example {@code <root>/queue}. */
    public Path directory(ObjectType type) {
        return root.resolve(type.label());
    }
}
