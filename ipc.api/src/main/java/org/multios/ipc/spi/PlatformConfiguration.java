package org.multios.ipc.spi;

import java.nio.file.Path;
import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.WaitStrategy;

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
    /**
     * PID of the platform default {@link WaitStrategy} (keys {@value #WAIT_STRATEGY_KEY} and
     * {@value #WAIT_SPIN_MICROS_KEY}); every mechanism with waits reads it, see
     * {@link #waitStrategy}.
     */
    public static final String WAIT_PID = "org.multios.ipc.wait";
    /** Key of the platform default wait strategy, in its text form ({@link WaitStrategy#parse}). */
    public static final String WAIT_STRATEGY_KEY = "wait.strategy";
    /** Key of the platform default budget in microseconds (for backoff and adaptive). */
    public static final String WAIT_SPIN_MICROS_KEY = "wait.spin.micros";

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

    /**
     * The platform default wait strategy from configuration: {@value #WAIT_STRATEGY_KEY} (text
     * form, default {@code adaptive}) and {@value #WAIT_SPIN_MICROS_KEY} (a budget that overrides
     * the one of the text form). Objects created without a strategy of their own get it.
     *
     * @throws IpcException INVALID_ARGUMENT for a value that does not parse
     */
    public static WaitStrategy waitStrategy(Map<String, ?> config) {
        Object strategy = config == null ? null : config.get(WAIT_STRATEGY_KEY);
        Object micros = config == null ? null : config.get(WAIT_SPIN_MICROS_KEY);
        WaitStrategy s = strategy == null ? WaitStrategy.ADAPTIVE : WaitStrategy.parse(strategy.toString());
        if (micros == null) {
            return s;
        }
        long m;
        try {
            m = micros instanceof Number n ? n.longValue() : Long.parseLong(micros.toString().trim());
        } catch (NumberFormatException e) {
            throw IpcException.invalidArgument(WAIT_SPIN_MICROS_KEY + " = '" + micros + "' is not a whole number");
        }
        if (m < 0 || m > WaitStrategy.MAX_SPIN_MICROS) {
            throw IpcException.invalidArgument(WAIT_SPIN_MICROS_KEY + " = " + m + " is outside 0.."
                    + WaitStrategy.MAX_SPIN_MICROS);
        }
        return s.sleeps() && s.kind() != WaitStrategy.Kind.BLOCK ? WaitStrategy.of(s.kind(), (int) m) : s;
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
