package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.stream.EndpointHandle;
import org.multios.ipc.net.internal.stream.HostLookup;
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.net.internal.stream.TargetHosts;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.SessionGate;

/**
 * A {@link DatagramEndpoint} on a non-blocking {@link UdpChannel}, with no thread of its own.
 * Its rights, closed state and session are checked as every handle's ({@link GuardedHandle}):
 * each datagram sent or taken is a step of its grant, so none passes once a revocation
 * returned, and a revocation wakes the waiting threads. An operation first tries once, then
 * waits as {@link UdpWaits} does; {@link #close()} wakes the waiting threads with CLOSED.
 * Datagrams are received into the {@link UdpInbox} under a short receive lock: each reaches
 * exactly one receiver. Targets are resolved by {@link UdpTargets}. Counters: {@code *_OUT} sent,
 * {@code *_IN} received, {@code ERRORS} datagrams discarded as too large, I/O failures, and
 * datagrams the kernel dropped before they could be received (receive buffer full), where the
 * kernel shows them ({@link KernelDrops}: Linux).
 */
public final class UdpEndpoint extends EndpointHandle implements DatagramEndpoint {
    private final Endpoint local;
    private final DatagramOptions options;
    private final UdpChannel socket;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final UdpWaits waits;
    private final UdpTargets targets;
    private final TargetGrants targetGrants;
    private final ReentrantLock receiveLock = new ReentrantLock();
    /** Guarded by receiveLock. */
    private final UdpInbox inbox;
    private final ReentrantLock readWait = new ReentrantLock();
    private final ReentrantLock writeWait = new ReentrantLock();

    private UdpEndpoint(long id, UdpChannel socket, DatagramOptions options, CallerContext owner, SessionGate session,
            Grant grant, HostLookup lookup) {
        super(id, socket.local.toString(), owner, Permissions.of(owner.process(), 0600),
                "a UDP socket has no permissions to change", session, grant);
        this.socket = socket;
        this.local = socket.local;
        this.options = options;
        this.waits = new UdpWaits(this, counters);
        this.targets = new UdpTargets(socket, describe(), counters, lookup);
        this.targetGrants = new TargetGrants(owner);
        this.inbox = new UdpInbox(socket.channel, options.maxDatagramSize(), describe(), counters);
        grant.onRevoke(socket::wakeup); // the threads waiting to send or receive wake and find the grant revoked
    }

    /**
     * Opens a UDP socket bound to {@code local} (port 0: any free port).
     *
     * @param id      the object id
     * @param owner   the owning process's context, told of denials
     * @param session the owner's session: the endpoint closes with it
     * @param grant   the rights of the handle, tested at every operation
     * @throws IpcException as {@link UdpChannel#bind}
     */
    public static UdpEndpoint open(long id, Endpoint local, DatagramOptions options, CallerContext owner,
            SessionGate session, Grant grant) {
        if (local == null || local.transport() != Transport.UDP) {
            throw IpcException.invalidArgument("cannot open a UDP socket on " + local + ": not a udp:// endpoint");
        }
        return open(id, Reach.host(local, HostLookup.SYSTEM, null, false), options, owner, session, grant,
                HostLookup.SYSTEM);
    }

    /**
     * Opens a UDP socket bound to the address of {@code local}'s lookup its access was decided on.
     *
     * @param lookup how the hosts of targets are looked up
     * @throws IpcException as {@link UdpChannel#bind}
     */
    public static UdpEndpoint open(long id, Reach local, DatagramOptions options, CallerContext owner,
            SessionGate session, Grant grant, HostLookup lookup) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(grant, "grant");
        return new UdpEndpoint(id, UdpChannel.bind(local.endpoint(), (InetSocketAddress) local.address(), options),
                options, owner, session, grant, lookup);
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public DatagramOptions options() {
        return options;
    }

    @Override
    protected long capacity() {
        return options.maxDatagramSize();
    }

    @Override
    protected Statistics currentStatistics() {
        long[] values = new long[counters.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counters.get(i);
        }
        values[Counter.ERRORS.ordinal()] += socket.kernelDrops.count();
        return Statistics.of(values, WaitTimes.NONE);
    }

    @Override
    public void close() {
        closeOnce(socket::close);
    }

    // ---------------------------------------------------------------- sending

    @Override
    public void send(Endpoint target, ByteBuffer src) {
        send(target, src, UdpWaits.FOREVER, "send to");
    }

    @Override
    public boolean trySend(Endpoint target, ByteBuffer src) {
        return send(target, src, UdpWaits.NEVER, "send to");
    }

    @Override
    public void send(Endpoint target, ByteBuffer src, Duration timeout) {
        send(target, src, waits.nanos(timeout), "send to");
    }

    private boolean send(Endpoint target, ByteBuffer src, long wait, String operation) {
        require(Rights.WRITE, operation);
        if (src == null) {
            throw IpcException.invalidArgument(describe() + ": a buffer to send is required");
        }
        int size = src.remaining();
        if (size > options.maxDatagramSize()) {
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, describe() + ": a datagram of " + size
                    + " bytes exceeds the maximum datagram size " + options.maxDatagramSize());
        }
        if (target != null && target.transport() == Transport.UDP) {
            TargetHosts.requireNamedHost(target, operation);
            targetGrants.requireWrite(target, operation); // first: a denied caller learns nothing of the address
        }
        Reach reach = targets.resolve(target);
        targetGrants.requireReached(reach, operation); // every address of the lookup; the datagram goes to one
        InetSocketAddress to = (InetSocketAddress) reach.address();
        return waits.until(() -> sendOnce(src, to, size, operation) ? Boolean.TRUE : null, writeWait,
                socket.writable, wait, operation) != null;
    }

    /** Sends one datagram if the send buffer has room now, inside the grant's step gate. */
    private boolean sendOnce(ByteBuffer src, InetSocketAddress to, int size, String operation) {
        beginStep(Rights.WRITE, operation);
        try {
            // An empty datagram cannot tell "sent" from "no room" (both 0): it counts as sent.
            if (socket.channel.send(src, to) == 0 && size > 0) {
                return false;
            }
        } catch (ClosedChannelException e) {
            throw IpcException.closed(describe());
        } catch (UnsupportedAddressTypeException e) {
            throw IpcException.invalidArgument(describe() + ": cannot send to " + to + ": not of the socket's "
                    + "address family");
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot send to " + to + ": " + e.getMessage(), e);
        } finally {
            endStep();
        }
        counters.incrementAndGet(Counter.MESSAGES_OUT.ordinal());
        counters.addAndGet(Counter.BYTES_OUT.ordinal(), size);
        return true;
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public Endpoint receive(ByteBuffer dst) {
        return receive(dst, UdpWaits.FOREVER, "receive from");
    }

    @Override
    public Optional<Endpoint> tryReceive(ByteBuffer dst) {
        return Optional.ofNullable(receive(dst, UdpWaits.NEVER, "receive from"));
    }

    @Override
    public Endpoint receive(ByteBuffer dst, Duration timeout) {
        return receive(dst, waits.nanos(timeout), "receive from");
    }

    /** The sender, or null if {@code wait} is NEVER and no datagram is waiting. */
    private Endpoint receive(ByteBuffer dst, long wait, String operation) {
        require(Rights.READ, operation);
        if (dst == null || dst.isReadOnly()) {
            throw IpcException.invalidArgument(describe() + ": receiving needs a writable buffer, not " + dst);
        }
        return waits.until(() -> receiveOnce(dst, operation), readWait, socket.readable, wait, operation);
    }

    /**
     * Takes the next datagram into {@code dst} if one is waiting, inside the grant's step gate;
     * null if none.
     */
    private Endpoint receiveOnce(ByteBuffer dst, String operation) {
        boolean stepBegun = false;
        receiveLock.lock();
        try {
            beginStep(Rights.READ, operation);
            stepBegun = true;
            return inbox.take(dst);
        } catch (ClosedChannelException e) {
            throw IpcException.closed(describe());
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot receive: " + e.getMessage(), e);
        } finally {
            if (stepBegun) {
                endStep();
            }
            receiveLock.unlock();
        }
    }

    @Override
    protected void countDenial(int right) {
        counters.incrementAndGet(Counter.DENIALS.ordinal());
    }

    @Override
    public String describe() {
        return "UDP socket " + local;
    }
}
