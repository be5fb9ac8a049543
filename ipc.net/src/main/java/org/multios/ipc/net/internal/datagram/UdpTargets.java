package org.multios.ipc.net.internal.datagram;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.stream.HostLookup;
import org.multios.ipc.net.internal.stream.Reach;

/**
 * Where a {@link UdpEndpoint} sends: a {@code udp://} endpoint's host looked up once per send, an
 * address of the socket's family used if the host has one ({@link Reach}: every address of the
 * lookup is decided, and the datagram goes to one of them). The last target given as an address
 * literal is kept resolved (no DNS answer is kept); a broadcast address is refused unless the
 * options allow broadcast.
 */
final class UdpTargets {
    private final UdpChannel socket;
    private final String handle;
    private final AtomicLongArray counters;
    private final HostLookup lookup;
    /** The last target given as an address literal, resolved. */
    private volatile Reach last;

    /**
     * @param handle   how messages name the endpoint
     * @param counters the endpoint's counters: a host that cannot be resolved counts in ERRORS
     * @param lookup   how target hosts are looked up
     */
    UdpTargets(UdpChannel socket, String handle, AtomicLongArray counters, HostLookup lookup) {
        this.socket = socket;
        this.handle = handle;
        this.counters = counters;
        this.lookup = lookup;
    }

    /**
     * What a send to {@code target} reaches; its address is the one to send to.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code target} is not UDP, has port 0, resolves to
     *         the wildcard address or is a refused broadcast address; IO_ERROR if its host cannot
     *         be resolved
     */
    Reach resolve(Endpoint target) {
        if (target == null || target.transport() != Transport.UDP) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target + ": not a udp:// endpoint");
        }
        if (target.port() == 0) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target + ": port 0");
        }
        Reach cached = last;
        Reach reach;
        if (cached != null && cached.endpoint().equals(target)) {
            reach = cached;
        } else {
            try {
                reach = Reach.host(target, lookup, socket.ipv6, true);
            } catch (IpcException e) {
                if (e.error() == IpcError.IO_ERROR) {
                    counters.incrementAndGet(Counter.ERRORS.ordinal());
                }
                throw new IpcException(e.error(), handle + ": " + e.getMessage(), e);
            }
            if (target.host().indexOf(':') >= 0 || target.host().chars().allMatch(c -> c == '.' || (c >= '0'
                    && c <= '9'))) {
                last = reach;
            }
        }
        if (socket.broadcasts.contains(((InetSocketAddress) reach.address()).getAddress())) {
            throw IpcException.invalidArgument(handle + ": cannot send to " + target
                    + ": a broadcast address, and the options do not allow broadcast");
        }
        return reach;
    }
}
