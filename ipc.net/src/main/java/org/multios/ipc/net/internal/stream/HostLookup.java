package org.multios.ipc.net.internal.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks up the addresses of a host (the system's resolver; tests answer for it). A host with a
 * final dot is an absolute DNS name, looked up without the resolver's search domains.
 */
@FunctionalInterface
public interface HostLookup {
    /** The system's resolver. */
    HostLookup SYSTEM = InetAddress::getAllByName;

    /**
     * The host's addresses, at least one; an address literal is read without a lookup.
     *
     * @throws UnknownHostException if the host has none
     */
    InetAddress[] addresses(String host) throws UnknownHostException;
}
