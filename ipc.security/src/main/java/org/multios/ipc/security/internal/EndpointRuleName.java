package org.multios.ipc.security.internal;

import java.util.Locale;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

/**
 * The name glob of an endpoint rule in the one text {@link Endpoint} gives every socket, so that a
 * rule written another way ({@code tcp://DB.Example.com:*}, {@code tcp://[0:0:0:0:0:0:0:1]:*},
 * {@code unix:/run//x.sock}) keeps matching what it names instead of silently nothing: a host
 * without a star goes through {@code Endpoint} itself (lower case, one form per address) and is
 * read as {@link Endpoint#ruleText()} writes it, without a final dot (a rule on {@code db.} or
 * {@code db} covers both); a host with a star is put in lower case, without a final dot; a path
 * goes through {@code Endpoint} too (no repeated slashes or {@code .} segments); a port is kept as
 * written. Other names are returned as they are.
 */
final class EndpointRuleName {
    private EndpointRuleName() {
    }

    /** The glob as rules match it. */
    static String plain(String glob) {
        int colon = glob.indexOf(':');
        if (colon <= 0) {
            return glob;
        }
        String scheme = glob.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = glob.substring(colon + 1);
        return switch (scheme) {
            case "unix" -> "unix:" + plainPath(rest);
            case "tcp", "udp" -> rest.startsWith("//") ? scheme + "://" + plainAuthority(scheme, rest.substring(2)) : glob;
            default -> glob;
        };
    }

    /** A path in {@code Endpoint}'s text; a glob it refuses (a relative name with a star) as written. */
    private static String plainPath(String path) {
        try {
            return Endpoint.parse("unix:" + path).path();
        } catch (IpcException e) {
            return path;
        }
    }

    /** {@code host[:port]}, the host in its one form. */
    private static String plainAuthority(String scheme, String authority) {
        String host;
        String after;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return authority;
            }
            host = authority.substring(1, close);
            after = authority.substring(close + 1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            after = colon < 0 ? "" : authority.substring(colon);
        }
        String plain = host.indexOf('*') >= 0 ? starHost(host) : plainHost(scheme, host);
        return (plain.indexOf(':') >= 0 ? "[" + plain + "]" : plain) + after;
    }

    /** A host glob in lower case, without a final dot, as {@link Endpoint#ruleText()} writes hosts. */
    private static String starHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.length() > 1 && lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String plainHost(String scheme, String host) {
        try {
            Endpoint e = Endpoint.parse(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":0");
            return Endpoint.parse(e.ruleText()).host();
        } catch (IpcException e) {
            return host.toLowerCase(Locale.ROOT); // no host Endpoint takes: the rule matches nothing, as written
        }
    }
}
