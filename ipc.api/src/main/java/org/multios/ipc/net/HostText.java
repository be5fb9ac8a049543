package org.multios.ipc.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;

import org.multios.ipc.IpcException;

/**
 * The one text of a checked host, as security rules match it: an IPv4 address as Java reads it
 * ({@code 010.0.0.1} is 10.0.0.1, no leading zeros), an IPv6 address in RFC 5952's form (lower
 * case, no leading zeros, the longest run of zero groups as {@code ::}; an IPv4-mapped one is the
 * IPv4 address Java connects to), its zone only where the address is link-local, as the name of
 * the network interface it names ({@code %1} is {@code %lo}: the kernel takes either, so rules
 * could not tell them apart); a DNS name in lower case, its final dot kept: {@code db.} is an absolute name,
 * looked up as written, where {@code db} goes through the resolver's search domains (rules match
 * both by the name without the dot: {@link Endpoint#ruleText()}).
 */
final class HostText {
    private HostText() {
    }

    /**
     * The plain text of a host {@link Endpoint} has checked.
     *
     * @param scheme the endpoint's, for messages
     * @throws IpcException INVALID_ARGUMENT naming the host if it is no address Java reads, or its
     *         zone names no network interface of this machine
     */
    static String plain(String scheme, String host) {
        int percent = host.indexOf('%');
        String address = percent < 0 ? host : host.substring(0, percent);
        if (address.indexOf(':') < 0 && !address.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            return host.toLowerCase(Locale.ROOT);
        }
        InetAddress literal;
        try {
            literal = InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw IpcException.invalidArgument(scheme + " endpoint host '" + host + "' is not an address Java can read");
        }
        if (literal instanceof Inet4Address) {
            return literal.getHostAddress();
        }
        String endpoint = scheme + " endpoint host '" + host + "'";
        return ipv6(literal.getAddress()) + (percent < 0 ? "" : zone(literal, endpoint, host.substring(percent + 1)));
    }

    /**
     * A zone as the address needs it: none for an address that is not link-local (the kernel
     * ignores it there, so {@code [fd00::2%1]} is {@code [fd00::2]}); else the name of the network
     * interface it names, by name or by index (in any digits: {@code %01} and {@code %\u0661} are
     * {@code %1}).
     *
     * @throws IpcException INVALID_ARGUMENT if no interface of this machine has that name or index
     */
    private static String zone(InetAddress address, String endpoint, String zone) {
        boolean scoped = address.isLinkLocalAddress() || address.isMCLinkLocal() || address.isMCNodeLocal();
        if (!scoped) {
            return "";
        }
        NetworkInterface named;
        try {
            named = !zone.isEmpty() && zone.chars().allMatch(Character::isDigit) ? byIndex(zone)
                    : NetworkInterface.getByName(zone);
        } catch (SocketException e) {
            throw IpcException.invalidArgument(endpoint + ": the network interfaces cannot be read to "
                    + "find its zone '" + zone + "': " + e.getMessage());
        }
        if (named == null) {
            throw IpcException.invalidArgument(endpoint + ": its zone '" + zone
                    + "' names no network interface of this machine, by name or by index");
        }
        return "%" + named.getName();
    }

    private static NetworkInterface byIndex(String digits) throws SocketException {
        int index;
        try {
            index = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return null; // beyond an int: no interface has it
        }
        return index > 0 ? NetworkInterface.getByIndex(index) : null;
    }

    /** RFC 5952, section 4. */
    private static String ipv6(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
