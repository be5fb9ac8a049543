package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

/**
 * Where a {@link UdpEndpoint}'s datagrams are received: one reusable direct buffer one byte
 * larger than the maximum datagram, so that a datagram that does not fit is detected,
 * discarded, counted in ERRORS and reported; and the last sender, whose endpoint is made once
 * per new sender. One thread at a time: the endpoint's receive lock.
 */
final class UdpInbox {
    private final DatagramChannel channel;
    private final int maxDatagramSize;
    private final String handle;
    private final AtomicLongArray counters;
    private final ByteBuffer inbox;
    private InetSocketAddress lastSender;
    private Endpoint lastSenderEndpoint;

    /**
     * @param handle   how messages name the endpoint
     * @param counters the endpoint's counters: datagrams and bytes received, discarded ones
     */
    UdpInbox(DatagramChannel channel, int maxDatagramSize, String handle, AtomicLongArray counters) {
        this.channel = channel;
        this.maxDatagramSize = maxDatagramSize;
        this.handle = handle;
        this.counters = counters;
        this.inbox = ByteBuffer.allocateDirect(maxDatagramSize + 1);
    }

    /**
     * Takes the next datagram into {@code dst}, if one is waiting.
     *
     * @return its sender, or null if none was waiting
     * @throws IpcException MESSAGE_TOO_LARGE if it passes the maximum or {@code dst}'s room (it
     *         was discarded)
     * @throws IOException  as the channel's receive
     */
    Endpoint take(ByteBuffer dst) throws IOException {
        inbox.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(inbox);
        if (from == null) {
            return null;
        }
        inbox.flip();
        int size = inbox.remaining();
        if (size > maxDatagramSize || size > dst.remaining()) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, handle + ": a datagram from " + from
                    + (size > maxDatagramSize ? " exceeds the maximum datagram size " + maxDatagramSize
                            : " of " + size + " bytes does not fit in the " + dst.remaining()
                                    + " bytes left in the buffer")
                    + "; it was discarded");
        }
        dst.put(inbox);
        counters.incrementAndGet(Counter.MESSAGES_IN.ordinal());
        counters.addAndGet(Counter.BYTES_IN.ordinal(), size);
        if (!from.equals(lastSender)) {
            lastSenderEndpoint = Endpoint.udp(from.getAddress().getHostAddress(), from.getPort());
            lastSender = from;
        }
        return lastSenderEndpoint;
    }
}
