package org.multios.ipc.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;

/**
 * A network address of a given {@link Transport}. Immutable; checked when made; its text form
 * ({@link #toString()}) parses back to an equal endpoint.
 *
 * <ul>
 * <li>{@code tcp://host:port} and {@code udp://host:port}: the host is a DNS name
 * ({@code gateway.local}), an IPv4 address ({@code 192.168.1.10}) or an IPv6 address in
 * brackets ({@code [::1]}, stored without them); the port is 0 to 65535, 0 meaning "any free
 * port" when listening. An empty host ({@code tcp://:7000}) means the loopback address
 * {@value #LOOPBACK}: listeners are reachable from this machine only unless a non-loopback
 * address (or the wildcard {@code 0.0.0.0} or {@code [::]}) is given explicitly. Nothing may
 * follow the port: no path, query or user.</li>
 * <li>{@code unix:/path} (or {@code unix:///path}): a Unix-domain socket file with an absolute
 * path of at most {@value #MAX_UNIX_PATH_BYTES} bytes in UTF-8.</li>
 * <li>{@code unix:name}: a named socket in the IPC root (in its
 * {@link org.multios.ipc.ObjectType#ENDPOINT endpoint} directory), the name following
 * {@link IpcNames} rules; its file gets the mode of the listener's options. The network
 * mechanism writes an absolute path to such a file by its name ({@link RootEndpoints}).</li>
 * </ul>
 * Text is taken literally (no percent-decoding); the scheme may be in any case. Security rules
 * match an endpoint by its text, so one socket has one text: a host is kept in lower case (a final
 * dot kept, for the lookup: an absolute name, not tried in the resolver's search domains; rules
 * match it by {@link #ruleText()}, without the dot), an address in one form ({@code 010.0.0.1} is {@code 10.0.0.1}, {@code [::FFFF:10.0.0.1]}
 * too, {@code [0:0::1]} is {@code [::1]}), a link-local address's zone by the name of the network
 * interface it names ({@code [fe80::1%1]} is {@code [fe80::1%lo]}; a zone that names no interface of
 * this machine is refused), a path without repeated slashes or {@code .} segments,
 * and a path with a {@code ..} segment is refused.
 *
 * @param transport TCP, UDP or UNIX
 * @param host      host name or address for TCP and UDP (IPv6 without brackets); empty for UNIX
 * @param port      0 to 65535 for TCP and UDP; 0 for UNIX
 * @param path      the socket's absolute path or IPC-root name for UNIX; empty for TCP and UDP
 */
public record Endpoint(Transport transport, String host, int port, String path) {
    /** The host of endpoints written without one. */
    public static final String LOOPBACK = "127.0.0.1";
    /** The largest port. */
    public static final int MAX_PORT = 65535;
    /** The longest absolute Unix socket path, in bytes ({@code sun_path} less its terminator). */
    public static final int MAX_UNIX_PATH_BYTES = 107;
    /** The longest host name (RFC 1123). */
    public static final int MAX_HOST_LENGTH = 253;

    /**
     * Checks the parts against the rules of the transport. A {@code null} host or path counts as
     * empty; an empty TCP or UDP host becomes {@link #LOOPBACK}.
     *
     * @throws IpcException INVALID_ARGUMENT naming the endpoint and the rule broken
     */
    public Endpoint {
        Objects.requireNonNull(transport, "transport");
        host = host == null ? "" : host;
        path = path == null ? "" : path;
        if (transport.hasHostAndPort()) {
            if (!path.isEmpty()) {
                throw IpcException.invalidArgument(transport.scheme() + " endpoint cannot have a path ('" + path + "')");
            }
            if (host.isEmpty()) {
                host = LOOPBACK;
            }
            String problem = hostProblem(host);
            if (problem != null) {
                throw IpcException.invalidArgument(transport.scheme() + " endpoint host '" + host + "' " + problem);
            }
            host = HostText.plain(transport.scheme(), host);
            if (port < 0 || port > MAX_PORT) {
                throw IpcException.invalidArgument(transport.scheme() + " endpoint port " + port + " is outside 0.."
                        + MAX_PORT);
            }
        } else {
            if (!host.isEmpty() || port != 0) {
                throw IpcException.invalidArgument("unix endpoint cannot have a host or port");
            }
            String problem = unixPathProblem(path);
            if (problem != null) {
                throw IpcException.invalidArgument("unix endpoint path '" + path + "' " + problem);
            }
            path = plainPath(path);
        }
    }

    /** A TCP endpoint. */
    public static Endpoint tcp(String host, int port) {
        return new Endpoint(Transport.TCP, host, port, "");
    }

    /** A TCP endpoint on the loopback address. */
    public static Endpoint tcp(int port) {
        return new Endpoint(Transport.TCP, LOOPBACK, port, "");
    }

    /** A UDP endpoint. */
    public static Endpoint udp(String host, int port) {
        return new Endpoint(Transport.UDP, host, port, "");
    }

    /** A Unix-domain socket endpoint: an absolute path, or a name in the IPC root. */
    public static Endpoint unix(String path) {
        return new Endpoint(Transport.UNIX, "", 0, path);
    }

    /**
     * Parses {@code tcp://host:port}, {@code udp://host:port}, {@code unix:/path},
     * {@code unix:///path} or {@code unix:name}.
     *
     * @throws IpcException INVALID_ARGUMENT quoting the text and saying what is wrong
     */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw IpcException.invalidArgument("endpoint is empty; expected tcp://host:port, udp://host:port or unix:/path");
        }
        String s = text.strip();
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw IpcException.invalidArgument("endpoint '" + text
                    + "' has no transport; expected tcp://host:port, udp://host:port or unix:/path");
        }
        Transport transport = Transport.ofScheme(s.substring(0, colon));
        String rest = s.substring(colon + 1);
        if (transport == Transport.UNIX) {
            if (rest.startsWith("//")) {
                if (!rest.startsWith("///")) {
                    throw IpcException.invalidArgument("endpoint '" + text
                            + "': a unix endpoint has no host; write unix:/path or unix:///path");
                }
                rest = rest.substring(2);
            }
            return new Endpoint(Transport.UNIX, "", 0, rest);
        }
        if (!rest.startsWith("//")) {
            throw IpcException.invalidArgument("endpoint '" + text + "' must be written " + transport.scheme()
                    + "://host:port");
        }
        String authority = rest.substring(2);
        for (char c : new char[] {'/', '?', '#', '@'}) {
            if (authority.indexOf(c) >= 0) {
                throw IpcException.invalidArgument("endpoint '" + text + "' may have only a host and a port, found '" + c
                        + "'");
            }
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw IpcException.invalidArgument("endpoint '" + text + "' has an unclosed '[' in its host");
            }
            host = authority.substring(1, close);
            if (host.isEmpty() || host.indexOf(':') < 0) {
                throw IpcException.invalidArgument("endpoint '" + text + "': brackets must hold an IPv6 address");
            }
            String after = authority.substring(close + 1);
            if (!after.startsWith(":")) {
                throw IpcException.invalidArgument("endpoint '" + text + "' has no port; expected [address]:port");
            }
            portText = after.substring(1);
        } else {
            int last = authority.lastIndexOf(':');
            if (last < 0) {
                throw IpcException.invalidArgument("endpoint '" + text + "' has no port; expected " + transport.scheme()
                        + "://host:port");
            }
            if (authority.indexOf(':') != last) {
                throw IpcException.invalidArgument("endpoint '" + text
                        + "': an IPv6 address must be written in brackets, as [::1]:port");
            }
            host = authority.substring(0, last);
            portText = authority.substring(last + 1);
        }
        return new Endpoint(transport, host, parsePort(portText, text), "");
    }

    private static int parsePort(String portText, String text) {
        boolean digits = !portText.isEmpty() && portText.length() <= 5
                && portText.chars().allMatch(c -> c >= '0' && c <= '9');
        int port = digits ? Integer.parseInt(portText) : -1;
        if (port < 0 || port > MAX_PORT) {
            throw IpcException.invalidArgument("endpoint '" + text + "' port '" + portText + "' is not a number in 0.."
                    + MAX_PORT);
        }
        return port;
    }

    /**
     * Whether {@code host} is a valid host of a TCP or UDP endpoint: a DNS name, an IPv4
     * address or an IPv6 address without brackets.
     */
    public static boolean isValidHost(String host) {
        return host != null && hostProblem(host) == null;
    }

    /**
     * Checks a host (for example a local bind address in the options).
     *
     * @param what what the host is, named in the message
     * @throws IpcException INVALID_ARGUMENT naming it and the rule broken
     */
    static String requireValidHost(String host, String what) {
        String problem = host == null ? "is missing" : hostProblem(host);
        if (problem != null) {
            throw IpcException.invalidArgument(what + " '" + host + "' " + problem);
        }
        return host;
    }

    private static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "is empty";
        }
        if (host.indexOf(':') >= 0) {
            return isIpv6(host) ? null : "is not a valid IPv6 address";
        }
        if (host.length() > MAX_HOST_LENGTH) {
            return "is " + host.length() + " characters long; the limit is " + MAX_HOST_LENGTH;
        }
        if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            return isIpv4(host) ? null : "is not a valid IPv4 address";
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return "has an empty or over-long (more than 63 characters) label";
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return "has a label starting or ending with '-'";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return "has character '" + c + "'; allowed are A-Z a-z 0-9 - and dots between labels";
                }
            }
        }
        return null;
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s) {
        String address = s;
        int percent = s.indexOf('%');
        if (percent >= 0) {
            String zone = s.substring(percent + 1);
            if (zone.isEmpty() || !zone.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
            address = s.substring(0, percent);
        }
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups;
        if (doubleColon >= 0) {
            int head = countGroups(address.substring(0, doubleColon), false);
            int tail = countGroups(address.substring(doubleColon + 2), true);
            if (head < 0 || tail < 0) {
                return false;
            }
            groups = head + tail;
            return groups <= 7;
        }
        groups = countGroups(address, true);
        return groups == 8;
    }

    /** Counts 16-bit groups of a colon-separated part, -1 if malformed; an IPv4 tail counts 2. */
    private static int countGroups(String part, boolean mayEndWithIpv4) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] groups = part.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (i == groups.length - 1 && mayEndWithIpv4 && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) {
                    return -1;
                }
                count += 2;
            } else if (g.isEmpty() || g.length() > 4
                    || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
                return -1;
            } else {
                count++;
            }
        }
        return count;
    }

    /**
     * The one text of an absolute path, as rules match it: repeated slashes and {@code .}
     * segments dropped ({@code //run/./x} is {@code /run/x} to the kernel). A name in the IPC
     * root is returned as it is.
     */
    static String plainPath(String path) {
        if (!path.startsWith("/")) {
            return path;
        }
        StringBuilder plain = new StringBuilder(path.length());
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                plain.append('/').append(segment);
            }
        }
        return plain.toString();
    }

    private static String unixPathProblem(String path) {
        if (path.isEmpty()) {
            return "is empty";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        if (path.startsWith("/")) {
            if (Arrays.asList(path.split("/")).contains("..")) {
                return "has a '..' segment, whose meaning depends on symbolic links: name the socket's folder itself,"
                        + " so that the security rules on its path apply";
            }
            int bytes = path.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_UNIX_PATH_BYTES) {
                return "is " + bytes + " bytes long; the limit is " + MAX_UNIX_PATH_BYTES;
            }
            if (path.endsWith("/") || path.endsWith("/.")) {
                return "names a directory";
            }
            if (Character.isWhitespace(path.charAt(path.length() - 1))) {
                return "ends with white space, which its text form cannot keep";
            }
            return null;
        }
        return IpcNames.isValid(path) ? null
                : "is neither an absolute path nor a valid name in the IPC root (1 to " + IpcNames.MAX_LENGTH
                        + " characters of A-Z a-z 0-9 . _ -)";
    }

    /** Whether this is a Unix socket named in the IPC root rather than by an absolute path. */
    public boolean isNamedInIpcRoot() {
        return transport == Transport.UNIX && !path.startsWith("/");
    }

    /**
     * Whether the host is a loopback address or {@code localhost}: {@code 127.x.x.x},
     * {@code ::1}. Unix endpoints are always local and count as loopback.
     */
    public boolean isLoopback() {
        if (transport == Transport.UNIX) {
            return true;
        }
        return host.equalsIgnoreCase("localhost") || host.equalsIgnoreCase("localhost.")
                || (isIpv4(host) && host.startsWith("127.")) || host.equals("::1")
                || host.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }

    /** Whether the host is the wildcard address, {@code 0.0.0.0} or {@code ::} (every interface). */
    public boolean isWildcard() {
        return transport != Transport.UNIX
                && (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0"));
    }

    /**
     * A copy with another port (for example the port a listener on port 0 was given).
     *
     * @throws IpcException INVALID_ARGUMENT for a Unix endpoint or a port outside 0..65535
     */
    public Endpoint withPort(int newPort) {
        if (transport == Transport.UNIX) {
            throw IpcException.invalidArgument("unix endpoint " + this + " has no port");
        }
        return new Endpoint(transport, host, newPort, path);
    }

    /**
     * The text security rules match the endpoint by, besides its text: a host's final dot dropped
     * ({@code tcp://db.:5432} is also {@code tcp://db:5432}), so that a rule on a name covers it
     * written either way; for any other endpoint its text.
     */
    public String ruleText() {
        if (transport == Transport.UNIX || !host.endsWith(".")) {
            return toString();
        }
        return transport.scheme() + "://" + host.substring(0, host.length() - 1) + ":" + port;
    }

    /** The text form: {@code tcp://host:port}, {@code udp://[v6]:port}, {@code unix:/path}. */
    @Override
    public String toString() {
        if (transport == Transport.UNIX) {
            // a path starting with "//" would read as an authority: write it after "unix://"
            return (path.startsWith("//") ? "unix://" : "unix:") + path;
        }
        String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return transport.scheme() + "://" + shown + ":" + port;
    }
}
