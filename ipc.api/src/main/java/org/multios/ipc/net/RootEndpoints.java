package org.multios.ipc.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.ObjectType;

/**
 * The Unix sockets named in one IPC root. Such a socket has two texts: its name
 * ({@code unix:admin}) and the absolute path of its file in the root's
 * {@link ObjectType#ENDPOINT endpoint} directory ({@code unix:<root>/endpoint/admin}), that
 * directory written as the root was given or as the kernel resolves its folders (a root under
 * {@code /var/run} is under {@code /run} too). Security rules match an endpoint by its text, so a
 * mechanism writes such an endpoint by its name ({@link #named}), which does not depend on where
 * the root is, and a rule is matched against every text of the socket ({@link #texts}): a rule
 * written either way covers both ways of naming it. A path below a folder of the endpoint
 * directory, or whose file name is no valid {@link IpcNames IPC name}, stays a path. Immutable;
 * the real folders are read once, when made.
 */
public final class RootEndpoints {
    private static final String SCHEME = "unix:";

    private final Path root;
    /** The endpoint directory's texts: as given (made absolute), then as the kernel resolves it, if another. */
    private final List<String> folders;

    /** The sockets named in {@code root} (made absolute against the working directory if relative). */
    public RootEndpoints(Path root) {
        this.root = root;
        Path absolute = root.toAbsolutePath();
        Set<String> texts = new LinkedHashSet<>();
        texts.add(Endpoint.plainPath(absolute.resolve(ObjectType.ENDPOINT.label()).toString()));
        Path real = real(absolute);
        if (real != null) {
            texts.add(Endpoint.plainPath(real.resolve(ObjectType.ENDPOINT.label()).toString()));
        }
        this.folders = List.copyOf(texts);
    }

    /**
     * The root as the kernel resolves it: its nearest folder that exists, resolved, and the rest
     * (the root and its endpoint directory are no links: the mechanisms refuse them); null if
     * unreadable.
     */
    private static Path real(Path root) {
        Path existing = root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(root));
        } catch (IOException | SecurityException e) {
            return null; // the text as given still counts
        }
    }

    /** The IPC root, as given. */
    public Path root() {
        return root;
    }

    /**
     * The endpoint in the text the mechanism gives it: a Unix path to a file right in the endpoint
     * directory (in any of its texts) whose file name is a valid IPC name becomes that name
     * ({@code unix:<root>/endpoint/admin} is {@code unix:admin}); any other endpoint is returned as
     * it is.
     */
    public Endpoint named(Endpoint endpoint) {
        if (endpoint.transport() != Transport.UNIX || endpoint.isNamedInIpcRoot()) {
            return endpoint;
        }
        String path = endpoint.path();
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        return slash > 0 && folders.contains(path.substring(0, slash)) && IpcNames.isValid(name)
                ? Endpoint.unix(name) : endpoint;
    }

    /**
     * Every text of the socket an endpoint's text names, for rules to match, the text itself
     * first: for a host with a final dot, also the text without it ({@link Endpoint#ruleText()});
     * for a socket named in the root, also its name and the path of its file in each text of the
     * endpoint directory; for any other endpoint (or a text that is none), the text alone.
     */
    public List<String> texts(String text) {
        if (!text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return hostTexts(text);
        }
        Endpoint endpoint;
        try {
            endpoint = named(Endpoint.parse(text));
        } catch (IpcException e) {
            return List.of(text);
        }
        if (!endpoint.isNamedInIpcRoot()) {
            return List.of(text);
        }
        Set<String> texts = new LinkedHashSet<>();
        texts.add(text);
        texts.add(endpoint.toString());
        folders.forEach(f -> texts.add(SCHEME + f + "/" + endpoint.path()));
        return List.copyOf(texts);
    }

    /** A TCP or UDP endpoint's text and its text without the host's final dot, if another. */
    private static List<String> hostTexts(String text) {
        try {
            String rule = Endpoint.parse(text).ruleText();
            return rule.equals(text) ? List.of(text) : List.of(text, rule);
        } catch (IpcException e) {
            return List.of(text);
        }
    }

    @Override
    public String toString() {
        return "the endpoint directory " + String.join(" (also ", folders) + (folders.size() > 1 ? ")" : "");
    }
}
