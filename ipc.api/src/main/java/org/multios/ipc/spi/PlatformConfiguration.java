package org.multios.ipc.spi;

import java.nio.file.Path;
import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;

/**
 * The platform's configuration as the bundles read it: the PIDs of Configuration Admin and
 * how a mechanism component turns its configuration into the environment it works in.
 */
public final class PlatformConfiguration {
    /**
     * PID of the platform limits: ipc.security reads them strictly (and refuses a bad
     * configuration as a whole), every mechanism reads them for its own checks.
     */
    public static final String LIMITS_PID = "org.multios.ipc.limits";
    /** PID of ipc.security's configuration: the access policy, quotas and admins. */
    public static final String SECURITY_PID = "org.multios.ipc.security";

    private PlatformConfiguration() {
    }

    /**
     * An environment from configuration: the given root, or the default root
     * ({@link IpcEnvironment#defaultRoot()}) when it is null or blank, and the limits of
     * {@link #limits}.
     *
     * @throws IpcException INVALID_ARGUMENT for a limit that is not a positive whole number
     */
    public static IpcEnvironment environment(String root, Map<String, ?> config) {
        Path r = root == null || root.isBlank() ? IpcEnvironment.defaultRoot() : Path.of(root);
        return new IpcEnvironment(r, limits(config));
    }

    /**
     * Limits from configuration: keys are {@link Limit#key()}, values numbers or numeric
     * strings; absent keys keep their defaults; other keys (those of other PIDs a component
     * also reads) are ignored.
     *
     * @throws IpcException INVALID_ARGUMENT for a value that is not a positive whole number
     */
    public static IpcLimits limits(Map<String, ?> config) {
        IpcLimits limits = IpcLimits.defaults();
        for (Limit l : Limit.values()) {
            Object value = config.get(l.key());
            if (value != null) {
                limits = limits.with(l, parse(l, value));
            }
        }
        return limits;
    }

    private static long parse(Limit limit, Object value) {
        try {
            if (value instanceof Number n) {
                if (n.doubleValue() != n.longValue()) {
                    throw new NumberFormatException();
                }
                return n.longValue();
            }
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw IpcException.invalidArgument("limit " + limit.key() + " = '" + value + "' is not a whole number");
        }
    }
}
