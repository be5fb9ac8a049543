package org.multios.ipc.net.internal.datagram;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;

/**
 * Where a {@link UdpEndpoint} sends: a {@code udp://} endpoint resolved to an address of the
 * socket's family if the host has one. The last target given as an address literal is kept
 * resolved (no DNS answer is cached); a broadcast address is refused unless the options allow
 * broadcast.
 */
final class UdpTargets {
    private final UdpChannel socket;
    private final String handle;
    private final AtomicLongArray counters;
    /** The last target given as an address literal, resolved. */
    private volatile Target last;

    private record Target(Endpoint endpoint, InetSocketAddress address) {
    }

    /**
     * @param handle   how messages name the endpoint
     * @param counters the endpoint's counters: a host that cannot be resolved counts in ERRORS
     */
    UdpTargets(UdpChannel socket, String handle, AtomicLongArray counters) {
        this.socket = socket;
        this.handle = handle;
        this.counters = counters;
    }

    /**
     * The address to send to.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code target} is not UDP, has port 0 or is a
     *         refused broadcast address; IO_ERROR if its host cannot be resolved
     */
    InetSocketAddress resolve(Endpoint target) {
        if (target == null || target.transport() != Transport.UDP) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target + ": not a udp:// endpoint");
        }
        if (target.port() == 0) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target + ": port 0");
        }
        Target cached = last;
        InetSocketAddress address;
        if (cached != null && cached.endpoint().equals(target)) {
            address = cached.address();
        } else {
            address = new InetSocketAddress(lookup(target), target.port());
            if (target.host().indexOf(':') >= 0 || target.host().chars().allMatch(c -> c == '.' || (c >= '0'
                    && c <= '9'))) {
                last = new Target(target, address);
            }
        }
        if (socket.broadcasts.contains(address.getAddress())) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target
                    + ": a broadcast address, and the options do not allow broadcast");
        }
        return address;
    }

    /** The target's address, of the socket's family if the host has one (no DNS for a literal). */
    private InetAddress lookup(Endpoint target) {
        try {
            InetAddress[] all = InetAddress.getAllByName(target.host());
            for (InetAddress a : all) {
                if ((a instanceof Inet6Address) == socket.ipv6) {
                    return a;
                }
            }
            return all[0];
        } catch (UnknownHostException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, handle + ": cannot resolve host '" + target.host() + "' of "
                    + target, e);
        }
    }
}
