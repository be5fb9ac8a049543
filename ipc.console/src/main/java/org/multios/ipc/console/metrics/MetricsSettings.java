package org.multios.ipc.console.metrics;

import java.util.Map;

import org.multios.ipc.IpcException;

/**
 * How the metrics endpoint is served, from configuration {@value #PID}: whether at all, at which
 * path of the HTTP service, and how many objects it exports at most.
 *
 * @param enabled    whether {@code /metrics} is served
 * @param path       the servlet path, for example {@code /metrics}
 * @param maxObjects the most objects (and processes) one scrape exports
 */
record MetricsSettings(boolean enabled, String path, int maxObjects) {
    /** The configuration PID. */
    static final String PID = "org.multios.ipc.metrics";
    /** The largest max.objects accepted: a scrape stays a few megabytes at most. */
    static final int MAX_OBJECTS_LIMIT = 100_000;
    static final MetricsSettings DEFAULTS = new MetricsSettings(true, "/metrics", 1000);

    MetricsSettings {
        if (path == null || !path.matches("/[A-Za-z0-9._~/-]*") || path.contains("//")
                || path.startsWith("/system/console")) {
            throw IpcException.invalidArgument("configuration " + PID + ", key path: expected a path such as /metrics "
                    + "(letters, digits, . _ ~ - and /, outside /system/console), found '" + path + "'");
        }
        if (maxObjects < 1 || maxObjects > MAX_OBJECTS_LIMIT) {
            throw IpcException.invalidArgument("configuration " + PID + ", key max.objects: expected 1.."
                    + MAX_OBJECTS_LIMIT + ", found " + maxObjects);
        }
    }

    /** The settings of a configuration's properties; keys not given keep their defaults. */
    static MetricsSettings of(Map<String, ?> properties) {
        return new MetricsSettings(bool(properties, "enabled", DEFAULTS.enabled),
                properties.get("path") == null ? DEFAULTS.path : properties.get("path").toString().strip(),
                integer(properties, "max.objects", DEFAULTS.maxObjects));
    }

    private static boolean bool(Map<String, ?> p, String key, boolean fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().strip();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw IpcException.invalidArgument("configuration " + PID + ", key " + key + ": expected true or false, found '"
                + s + "'");
    }

    private static int integer(Map<String, ?> p, String key, int fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.longValue() == n.intValue()) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().strip());
        } catch (NumberFormatException e) {
            throw IpcException.invalidArgument("configuration " + PID + ", key " + key + ": expected a whole number, "
                    + "found '" + v + "'");
        }
    }
}
