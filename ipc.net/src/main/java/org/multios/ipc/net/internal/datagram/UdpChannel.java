package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;

/**
 * The transport under a {@link UdpEndpoint}: a bound non-blocking {@link DatagramChannel}, a
 * selector for each direction that a waiting thread selects on, the socket's
 * {@link KernelDrops}, and the broadcast addresses it refuses when the options do not allow
 * broadcast. It checks no rights; the handle does.
 */
final class UdpChannel {
    final DatagramChannel channel;
    /** The endpoint as bound (the actual port). */
    final Endpoint local;
    final boolean ipv6;
    final Selector readable;
    final Selector writable;
    final KernelDrops kernelDrops;
    /** Addresses refused as broadcast: empty when the options allow broadcast. */
    final Set<InetAddress> broadcasts;

    private UdpChannel(DatagramChannel channel, Endpoint local, boolean ipv6, Selector readable, Selector writable,
            KernelDrops kernelDrops, Set<InetAddress> broadcasts) {
        this.channel = channel;
        this.local = local;
        this.ipv6 = ipv6;
        this.readable = readable;
        this.writable = writable;
        this.kernelDrops = kernelDrops;
        this.broadcasts = broadcasts;
    }

    /**
     * Opens a UDP socket bound to {@code local} (port 0: any free port).
     *
     * @param address the address to bind, of the lookup the socket's access was decided on
     *
     * @throws IpcException INVALID_ARGUMENT if {@code local} is not UDP; ALREADY_EXISTS if the
     *         address is in use; PERMISSION_DENIED if the operating system refuses (a privileged
     *         port); IO_ERROR otherwise (an unknown host, an address not of this machine)
     */
    static UdpChannel bind(Endpoint local, InetSocketAddress address, DatagramOptions options) {
        if (local == null || local.transport() != Transport.UDP) {
            throw IpcException.invalidArgument("cannot open a UDP socket on " + local + ": not a udp:// endpoint");
        }
        DatagramChannel channel = null;
        Selector readable = null;
        Selector writable = null;
        try {
            boolean ipv6 = address.getAddress() instanceof Inet6Address;
            channel = DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferBytes());
            channel.setOption(StandardSocketOptions.SO_BROADCAST, options.broadcast());
            channel.bind(address);
            readable = Selector.open();
            channel.register(readable, SelectionKey.OP_READ);
            writable = Selector.open();
            channel.register(writable, SelectionKey.OP_WRITE);
            InetSocketAddress boundAddress = (InetSocketAddress) channel.getLocalAddress();
            return new UdpChannel(channel, local.withPort(boundAddress.getPort()), ipv6, readable, writable,
                    KernelDrops.of(boundAddress, ipv6), options.broadcast() ? Set.of() : broadcastAddresses());
        } catch (IOException | RuntimeException e) {
            closeQuietly(writable);
            closeQuietly(readable);
            closeQuietly(channel);
            throw bindFailure(local, e);
        }
    }

    private static IpcException bindFailure(Endpoint local, Exception e) {
        if (e instanceof IpcException ipc) {
            return ipc;
        }
        String message = "UDP socket " + local + ": " + e.getMessage();
        if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
            return new IpcException(IpcError.ALREADY_EXISTS, "UDP socket " + local + ": the address is in use", e);
        }
        if (String.valueOf(e.getMessage()).contains("Permission denied")) {
            return new IpcException(IpcError.PERMISSION_DENIED, message + " (the operating system refused)", e);
        }
        return new IpcException(IpcError.IO_ERROR, message, e);
    }

    /** The limited broadcast address and the broadcast addresses of this machine's IPv4 subnets. */
    private static Set<InetAddress> broadcastAddresses() {
        Set<InetAddress> found = new HashSet<>();
        try {
            found.add(InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));
            NetworkInterface.networkInterfaces().flatMap(n -> n.getInterfaceAddresses().stream())
                    .map(InterfaceAddress::getBroadcast).filter(Objects::nonNull).forEach(found::add);
        } catch (IOException e) {
            // the limited broadcast alone; the kernel refuses the others without SO_BROADCAST
        }
        return Set.copyOf(found);
    }

    /** Wakes the threads selecting in either direction. */
    void wakeup() {
        readable.wakeup();
        writable.wakeup();
    }

    /** Wakes the threads selecting, then closes the selectors, stops counting drops and closes the socket. */
    void close() {
        wakeup();
        closeQuietly(readable);
        closeQuietly(writable);
        kernelDrops.stop();
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: nothing more to do
            }
        }
    }
}
