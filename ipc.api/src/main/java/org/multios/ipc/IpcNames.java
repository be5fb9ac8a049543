package org.multios.ipc;


/**
 * Rules for the names of named objects: 1 to {@value #MAX_LENGTH} characters of
 * {@code [A-Za-z0-9._-]}, not starting with {@code .} (so not {@code .} or {@code ..}, and never
 * one of the platform's hidden temporary files). A valid name is always a safe single file name
 * under the IPC root. Every mechanism validates names with {@link #requireValid} before
 * touching any file.
 */
public final class IpcNames {
    /** The longest valid name. */
    public static final int MAX_LENGTH = 200;

    private IpcNames() {
    }

    /** Whether the name is valid. */
    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /**
     * Returns the name if it is valid.
     *
     * @param type the kind of object the name is for, used in the message
     * @throws IpcException INVALID_ARGUMENT naming the object type, the name and the rule broken
     */
    public static String requireValid(ObjectType type, String name) {
        String problem = problem(name);
        if (problem != null) {
            String shown = name == null ? "null" : "'" + abbreviate(name) + "'";
            throw IpcException.invalidArgument(type.label() + " name " + shown + " " + problem);
        }
        return name;
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        if (name.equals(".") || name.equals("..")) {
            return "is reserved";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return "has character " + describe(c) + " at " + i + "; allowed are A-Z a-z 0-9 . _ -";
            }
        }
        if (name.charAt(0) == '.') {
            return "starts with '.', which hidden files of the platform use";
        }
        return null;
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String abbreviate(String name) {
        String printable = name.codePoints().limit(40)
                .map(c -> c >= 0x20 && c < 0x7f ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return name.length() > 40 ? printable + "..." : printable;
    }
}
