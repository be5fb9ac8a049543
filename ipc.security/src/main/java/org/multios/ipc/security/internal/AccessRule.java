package org.multios.ipc.security.internal;

import java.util.List;
import java.util.regex.Pattern;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;

/**
 * One rule of the policy, written {@code allow|deny <subject> <rights> <type>:<name>}:
 * <ul>
 * <li>subject: {@code user:NAME}, {@code group:NAME}, {@code bundle:SELECTOR} (a bundle's
 * location glob, optionally {@code ;name=GLOB} of its symbolic name: see {@link BundleSelector};
 * never matches a network peer) or {@code *} for everyone;</li>
 * <li>rights: any of {@code r}, {@code w}, {@code a}, or {@code *} for all three;</li>
 * <li>object: a type label ({@code queue}, {@code shm}, ... or {@code *}) and a name glob where
 * {@code *} matches any run of characters.</li>
 * </ul>
 * Example: {@code allow group:sensors rw queue:telemetry.*}. Immutable.
 */
record AccessRule(boolean allow, String subjectKind, Pattern subject, BundleSelector bundle, int rights,
        ObjectType type, Pattern name, String text) {

    /**
     * Parses a rule.
     *
     * @throws IpcException INVALID_ARGUMENT naming the rule and what is wrong with it
     */
    static AccessRule parse(String text) {
        String[] w = text.trim().split("\\s+");
        if (w.length != 4) {
            throw bad(text, "expected 4 words: allow|deny <subject> <rights> <type>:<name>");
        }
        boolean allow = switch (w[0]) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw bad(text, "must start with allow or deny");
        };
        String kind;
        Pattern subject = null;
        BundleSelector bundle = null;
        if (w[1].equals("*")) {
            kind = "*";
        } else {
            int colon = w[1].indexOf(':');
            if (colon <= 0 || colon == w[1].length() - 1) {
                throw bad(text, "subject must be user:NAME, group:NAME, bundle:LOCATION[;name=GLOB] or *");
            }
            kind = w[1].substring(0, colon);
            String what = w[1].substring(colon + 1);
            switch (kind) {
                case "user", "group" -> subject = glob(what);
                case "bundle" -> {
                    try {
                        bundle = BundleSelector.parse(what);
                    } catch (IpcException e) {
                        throw bad(text, e.getMessage());
                    }
                }
                default -> throw bad(text, "subject kind '" + kind + "' is not user, group or bundle");
            }
        }
        int rights;
        try {
            rights = w[2].equals("*") ? Rights.ALL : Rights.parse(w[2]);
        } catch (IpcException e) {
            throw bad(text, "rights must be made of r, w, a or be *");
        }
        int colon = w[3].indexOf(':');
        if (colon <= 0 || colon == w[3].length() - 1) {
            throw bad(text, "object must be <type>:<name glob>, for example queue:telemetry.*");
        }
        String label = w[3].substring(0, colon);
        ObjectType type;
        try {
            type = label.equals("*") ? null : ObjectType.ofLabel(label);
        } catch (IpcException e) {
            throw bad(text, "unknown object type '" + label + "'");
        }
        String name = w[3].substring(colon + 1);
        if (type == null || type == ObjectType.ENDPOINT) {
            name = EndpointRuleName.plain(name); // endpoints have one text; the rule is put in it
        }
        return new AccessRule(allow, kind, subject, bundle, rights, type, glob(name), text.trim());
    }

    private static IpcException bad(String text, String problem) {
        return IpcException.invalidArgument("security rule '" + text + "': " + problem);
    }

    /**
     * A glob ({@code *} matches any run of characters) as a pattern that matches in linear time:
     * the text between stars is found leftmost, in atomic groups, so a glob of many stars
     * cannot make matching a caller-chosen name backtrack exponentially. The first part must
     * start the name and the last must end it. {@code *} matches line terminators too
     * ({@code DOTALL}): a path or location with a newline in it is no way around a rule.
     */
    static Pattern glob(String glob) {
        String[] parts = glob.split("\\*", -1);
        StringBuilder re = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length - 1; i++) {
            re.append("(?>.*?").append(Pattern.quote(parts[i])).append(')');
        }
        if (parts.length > 1) {
            re.append(".*").append(Pattern.quote(parts[parts.length - 1]));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /**
     * Whether the rule speaks of this process and object.
     *
     * @param bundle      the facts of the process's bundle; null for a process that is no bundle
     * @param objectNames the object's texts (an endpoint may have more than one): any may match
     */
    boolean matches(IpcProcess process, BundleFacts bundle, ObjectType objectType, List<String> objectNames) {
        if (type != null && type != objectType) {
            return false;
        }
        return objectNames.stream().anyMatch(n -> name.matcher(n).matches()) && matchesSubject(process, bundle);
    }

    /**
     * Whether the rule's subject is this process.
     *
     * @param bundle the facts of the process's bundle; null for a process that is no bundle
     */
    boolean matchesSubject(IpcProcess process, BundleFacts bundle) {
        return switch (subjectKind) {
            case "*" -> true;
            case "user" -> subject.matcher(process.user()).matches();
            case "group" -> process.groups().stream().anyMatch(g -> subject.matcher(g).matches());
            default -> bundle != null && this.bundle.matches(bundle);
        };
    }
}
