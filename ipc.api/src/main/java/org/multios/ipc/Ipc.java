package org.multios.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.spi.MechanismFactory;

/**
 * The plain-Java bootstrap: gives a process outside OSGi (another JVM, a tool, a test, a
 * benchmark) the same IPC services bundles use, with the mechanism bundles' jars on the class
 * path. Mechanisms are found with {@link ServiceLoader} as {@link MechanismFactory}
 * implementations; access is checked against each object's owner, group and mode for this
 * process's OS user, as the security bundle does for bundles.
 *
 * <pre>{@code
 * try (IpcContext ipc = Ipc.open()) {
 *     MessageQueueService queues = ipc.service(MessageQueueService.class);
 *     ...
 * }
 * }</pre>
 */
public final class Ipc {
    private Ipc() {
    }

    /** Opens the platform on the default IPC root with the default limits. */
    public static IpcContext open() {
        return open(IpcEnvironment.defaults());
    }

    /** Opens the platform on the given environment, with the mechanisms the class path holds. */
    public static IpcContext open(IpcEnvironment environment) {
        return LocalPlatform.open(environment,
                loadable(ServiceLoader.load(MechanismFactory.class, Ipc.class.getClassLoader())));
    }

    /**
     * The mechanisms that can be loaded; one whose classes are missing from the class path (a
     * dependency left out) is reported and skipped, so the others still work.
     */
    private static List<MechanismFactory> loadable(ServiceLoader<MechanismFactory> loader) {
        List<MechanismFactory> factories = new ArrayList<>();
        for (ServiceLoader.Provider<MechanismFactory> p : (Iterable<ServiceLoader.Provider<MechanismFactory>>) loader.stream()::iterator) {
            try {
                factories.add(p.get());
            } catch (ServiceConfigurationError | LinkageError e) {
                System.getLogger(Ipc.class.getName()).log(System.Logger.Level.WARNING,
                        "IPC mechanism " + p.type().getName() + " cannot be loaded and is left out: " + e);
            }
        }
        return factories;
    }
}
