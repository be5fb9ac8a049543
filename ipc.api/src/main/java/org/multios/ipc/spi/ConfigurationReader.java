package org.multios.ipc.spi;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.multios.ipc.IpcException;

/**
 * Reads one configuration completely and strictly, so that it can be refused as a whole
 * before any of it takes effect. Every value is read through a typed getter; {@link #finish()}
 * then refuses a key no getter asked for. Errors are INVALID_ARGUMENT exceptions naming the
 * configuration (its file where File Install delivered it, else its PID), the key, what was
 * expected and what was found.
 *
 * <p>Values come typed (Configuration Admin, a {@code .config} file, a {@code .cfg} file whose
 * every value is typed) or as strings (a {@code .cfg} file with a plain value anywhere, which
 * File Install then reads entirely as strings). Both are accepted where they mean the same; a
 * string that looks like an array ({@code ["a", "b"]}) for a list is refused with the reason,
 * never taken as one element. Keys of the framework ({@code service.*}, {@code component.*},
 * {@code felix.fileinstall.*}, {@code *.target}) are not configuration values and are skipped.
 * Not thread-safe: one reader per configuration read.
 */
public final class ConfigurationReader {
    /** The property in which File Install names the file a configuration came from. */
    public static final String FILE_PROPERTY = "felix.fileinstall.filename";

    private final String pid;
    private final Map<String, ?> properties;
    private final Set<String> read = new HashSet<>();

    private ConfigurationReader(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties;
    }

    /** A reader of the given configuration properties (component properties included). */
    public static ConfigurationReader of(String pid, Map<String, ?> properties) {
        return new ConfigurationReader(pid, Map.copyOf(properties));
    }

    /**
     * Where the configuration came from: {@code PID (file)} when File Install read it from a
     * file, the PID (the factory configuration's own PID if there is one) otherwise.
     */
    public String source() {
        Object file = properties.get(FILE_PROPERTY);
        Object own = properties.get("service.pid");
        String name = own instanceof String s && !s.isBlank() ? s : pid;
        return file == null ? name : name + " (" + file + ")";
    }

    /** Whether the configuration exists, as opposed to none being configured (component properties only). */
    public boolean isConfigured() {
        return properties.containsKey("service.pid");
    }

    /** A string value; numbers and booleans are not strings. */
    public String string(String key, String defaultValue) {
        Object v = take(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return s.strip();
        }
        throw wrong(key, "a string", v);
    }

    /** A string value that must be present. */
    public String requiredString(String key) {
        String s = string(key, null);
        if (s == null || s.isEmpty()) {
            throw bad(key, "a value is required");
        }
        return s;
    }

    /**
     * A list of strings: an array or collection of strings, or one string as a list of one
     * (blank: none). Blank elements are dropped.
     */
    public List<String> strings(String key) {
        Object v = take(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            String t = s.strip();
            if (t.startsWith("[")) {
                throw bad(key, "expected a list of strings, found the single string " + quote(s) + ". File Install "
                        + "reads a .cfg file as typed values only if every value in it is typed (key=\"text\", "
                        + "key=I\"10\", key=[\"a\",\"b\"]); one plain value (key=10) makes every value a string. "
                        + "Write every value of the file typed, or use a .config file");
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
            return out;
        }
        Collection<?> elements = v instanceof Collection<?> c ? c : v.getClass().isArray() ? arrayList(v) : null;
        if (elements == null) {
            throw wrong(key, "a list of strings", v);
        }
        for (Object e : elements) {
            if (!(e instanceof String s)) {
                throw wrong(key, "a list of strings", v);
            }
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** A whole number in {@code [min, max]}: an integral number, or a string of one. */
    public long whole(String key, long defaultValue, long min, long max) {
        Object v = take(key);
        if (v == null) {
            return defaultValue;
        }
        long n;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            try {
                n = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw wrong(key, "a whole number from " + min + " to " + max, v);
            }
        } else {
            throw wrong(key, "a whole number from " + min + " to " + max, v);
        }
        if (n < min || n > max) {
            throw bad(key, "expected a whole number from " + min + " to " + max + ", found " + n);
        }
        return n;
    }

    /** A boolean: {@code Boolean}, or exactly the string {@code true} or {@code false}. */
    public boolean bool(String key, boolean defaultValue) {
        Object v = take(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.strip().equals("true") || s.strip().equals("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        throw wrong(key, "true or false", v);
    }

    /**
     * A value made by a parser of the value read, which throws IpcException for what it cannot
     * parse: the error is re-thrown naming this configuration and the key.
     */
    public <T, R> R parse(String key, T value, Function<T, R> parser) {
        try {
            return parser.apply(value);
        } catch (IpcException e) {
            throw bad(key, e.getMessage());
        }
    }

    /**
     * Ends the reading: every key of the configuration must have been asked for by a getter.
     *
     * @throws IpcException INVALID_ARGUMENT naming the unknown keys and the known ones
     */
    public void finish() {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!read.contains(key) && !isFrameworkKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IpcException(org.multios.ipc.IpcError.INVALID_ARGUMENT, "configuration " + source()
                    + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; the keys are " + String.join(", ", new TreeSet<>(read)));
        }
    }

    /** An error about one key of this configuration. */
    public IpcException bad(String key, String problem) {
        return IpcException.invalidArgument("configuration " + source() + ", key " + key + ": " + problem);
    }

    private Object take(String key) {
        read.add(key);
        return properties.get(key);
    }

    private IpcException wrong(String key, String expected, Object found) {
        String shown = found.getClass().isArray() ? arrayList(found).toString() : String.valueOf(found);
        return bad(key, "expected " + expected + ", found " + found.getClass().getSimpleName() + " "
                + (found instanceof String ? quote(shown) : shown));
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    private static List<Object> arrayList(Object array) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < Array.getLength(array); i++) {
            list.add(Array.get(array, i));
        }
        return list;
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.fileinstall.")
                || key.startsWith("osgi.ds.") || key.startsWith(":") || key.endsWith(".target");
    }
}
