package org.multios.ipc.net;

import java.util.Locale;

import org.multios.ipc.IpcException;

/** The transport of an {@link Endpoint}, named by its URI scheme. */
public enum Transport {
    /** TCP: a reliable, ordered byte stream carrying frames. */
    TCP("tcp", true),
    /** UDP: unreliable, unordered datagrams of bounded size. */
    UDP("udp", false),
    /** Unix-domain stream socket on this machine, carrying frames. */
    UNIX("unix", true);

    private final String scheme;
    private final boolean stream;

    Transport(String scheme, boolean stream) {
        this.scheme = scheme;
        this.stream = stream;
    }

    /** The URI scheme: {@code tcp}, {@code udp} or {@code unix}. */
    public String scheme() {
        return scheme;
    }

    /** Whether it carries connections (TCP, Unix) rather than datagrams (UDP). */
    public boolean isStream() {
        return stream;
    }

    /** Whether endpoints of this transport have a host and port (TCP, UDP) rather than a path. */
    public boolean hasHostAndPort() {
        return this != UNIX;
    }

    /**
     * The transport with the given scheme, in any case.
     *
     * @throws IpcException INVALID_ARGUMENT if no transport has that scheme
     */
    public static Transport ofScheme(String scheme) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        for (Transport t : values()) {
            if (t.scheme.equals(s)) {
                return t;
            }
        }
        throw IpcException.invalidArgument("unknown transport '" + scheme + "'; expected tcp, udp or unix");
    }
}
