package org.multios.ipc.net;

import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;

/**
 * How a {@link DatagramEndpoint} sends and receives. Immutable; checked when made.
 *
 * @param maxDatagramSize    bytes of the largest datagram sent or received, 1 to
 *                           {@value #MAX_UDP_PAYLOAD} and at most {@link Limit#MESSAGE_SIZE}
 *                           (checked when the socket is opened)
 * @param receiveBufferBytes bytes of datagrams buffered for receiving, at least
 *                           {@code maxDatagramSize} (the operating system may round it); the
 *                           operating system drops datagrams arriving when it is full. They
 *                           are counted as {@link org.multios.ipc.Counter#ERRORS} where the
 *                           system reports them per socket (Linux: {@code /proc/net/udp}),
 *                           and cannot be counted elsewhere
 * @param broadcast          whether datagrams may be sent to broadcast addresses
 */
public record DatagramOptions(int maxDatagramSize, int receiveBufferBytes, boolean broadcast) {
    /** The largest UDP payload over IPv4: 65535 less the IP and UDP headers. */
    public static final int MAX_UDP_PAYLOAD = 65507;

    /** The defaults: the largest UDP payload, 256 KiB of receive buffer, no broadcast. */
    public static final DatagramOptions DEFAULTS = new DatagramOptions(MAX_UDP_PAYLOAD, 256 * 1024, false);

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT naming the option and its bound
     */
    public DatagramOptions {
        if (maxDatagramSize < 1 || maxDatagramSize > MAX_UDP_PAYLOAD) {
            throw IpcException.invalidArgument("datagram maxDatagramSize " + maxDatagramSize + " is outside 1.."
                    + MAX_UDP_PAYLOAD);
        }
        if (receiveBufferBytes < maxDatagramSize) {
            throw IpcException.invalidArgument("datagram receiveBufferBytes " + receiveBufferBytes
                    + " cannot hold a datagram of the maximum size " + maxDatagramSize);
        }
    }

    /** A copy with another maximum datagram size (the receive buffer grows to hold one if needed). */
    public DatagramOptions withMaxDatagramSize(int value) {
        return new DatagramOptions(value, Math.max(receiveBufferBytes, value), broadcast);
    }

    /** A copy with another receive buffer size. */
    public DatagramOptions withReceiveBufferBytes(int value) {
        return new DatagramOptions(maxDatagramSize, value, broadcast);
    }

    /** A copy that may (or may not) send to broadcast addresses. */
    public DatagramOptions withBroadcast(boolean value) {
        return new DatagramOptions(maxDatagramSize, receiveBufferBytes, value);
    }
}
