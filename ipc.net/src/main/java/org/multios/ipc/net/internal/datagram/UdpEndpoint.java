package org.multios.ipc.net.internal.datagram;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.SessionGate;

/**
 * A {@link DatagramEndpoint} on a non-blocking {@link UdpChannel}, with no thread of its own.
 * Its rights, closed state and session are checked as every handle's ({@link GuardedHandle}):
 * each datagram sent or taken is a step of its grant, so none passes once a revocation
 * returned, and a revocation wakes the waiting threads. An operation first tries once; a
 * thread that must wait takes the direction's wait lock and selects on the channel's selector
 * for that direction, in slices of at most {@value #SLICE_MILLIS} ms, so an interrupt only
 * wakes it (a blocking channel would be closed by it) and {@link #close()} wakes it with
 * CLOSED. Datagrams are received into one reusable direct buffer one byte larger than the
 * maximum, under a short receive lock: a datagram that does not fit is detected, discarded and
 * reported, and each datagram reaches exactly one receiver. Counters: {@code *_OUT} sent,
 * {@code *_IN} received, {@code ERRORS} datagrams discarded as too large, I/O failures, and
 * datagrams the kernel dropped before they could be received (receive buffer full), where the
 * kernel shows them ({@link KernelDrops}: Linux).
 */
public final class UdpEndpoint extends GuardedHandle implements DatagramEndpoint, ClosingHandle {
    /** The longest single select: a safety net, as close and interrupts wake selectors anyway. */
    private static final long SLICE_MILLIS = 250;
    private static final long FOREVER = -1;
    private static final long NEVER = 0;

    private final long id;
    private final Endpoint local;
    private final String name;
    private final DatagramOptions options;
    private final CallerContext owner;
    private final UdpChannel socket;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock readWait = new ReentrantLock();
    private final ReentrantLock writeWait = new ReentrantLock();
    private final Object closeLock = new Object();
    /** Guarded by receiveLock: the datagram being taken, and the last sender and its endpoint. */
    private final ByteBuffer inbox;
    private InetSocketAddress lastSender;
    private Endpoint lastSenderEndpoint;
    /** The last target given as an address literal, resolved (no DNS answer is cached). */
    private volatile Target lastTarget;
    private Runnable onClose = () -> {
    };

    private record Target(Endpoint endpoint, InetSocketAddress address) {
    }

    private UdpEndpoint(long id, UdpChannel socket, DatagramOptions options, CallerContext owner, SessionGate session,
            Grant grant) {
        super(owner, session, grant);
        this.id = id;
        this.socket = socket;
        this.local = socket.local;
        this.name = local.toString();
        this.options = options;
        this.owner = owner;
        this.inbox = ByteBuffer.allocateDirect(options.maxDatagramSize() + 1);
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
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(grant, "grant");
        return new UdpEndpoint(id, UdpChannel.bind(local, options), options, owner, session, grant);
    }

    /**
     * Runs {@code action} once when the endpoint closes (at once if it is closed already); it
     * replaces any action given before.
     */
    @Override
    public void onClose(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (closeLock) {
            if (!isClosed()) {
                onClose = action;
                return;
            }
        }
        action.run();
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
    public ObjectType type() {
        return ObjectType.ENDPOINT;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return Optional.of(name);
    }

    @Override
    public ObjectInfo info() {
        long[] values = new long[counters.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counters.get(i);
        }
        values[Counter.ERRORS.ordinal()] += socket.kernelDrops.count();
        return new ObjectInfo(ObjectType.ENDPOINT, id, name(), owner.process(), Permissions.of(owner.process(), 0600),
                options.maxDatagramSize(), false, Statistics.of(values, WaitTimes.NONE));
    }

    @Override
    public void setPermissions(Permissions permissions) {
        checkOpen();
        throw IpcException.invalidArgument(describe() + ": a UDP socket has no permissions to change");
    }

    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        Runnable action;
        synchronized (closeLock) {
            action = onClose;
        }
        socket.close();
        action.run();
    }

    // ---------------------------------------------------------------- sending

    @Override
    public void send(Endpoint target, ByteBuffer src) {
        send(target, src, FOREVER, "send to");
    }

    @Override
    public boolean trySend(Endpoint target, ByteBuffer src) {
        return send(target, src, NEVER, "send to");
    }

    @Override
    public void send(Endpoint target, ByteBuffer src, Duration timeout) {
        send(target, src, nanos(timeout), "send to");
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
        InetSocketAddress to = resolve(target);
        if (sendOnce(src, to, size, operation)) {
            return true;
        }
        if (wait == NEVER) {
            return false;
        }
        counters.incrementAndGet(Counter.WAITS.ordinal());
        long deadline = System.nanoTime() + wait;
        lock(writeWait, wait, deadline, operation);
        try {
            while (!sendOnce(src, to, size, operation)) {
                await(socket.writable, wait, deadline, operation);
            }
            return true;
        } finally {
            writeWait.unlock();
        }
    }

    private InetSocketAddress resolve(Endpoint target) {
        if (target == null || target.transport() != Transport.UDP) {
            throw IpcException.invalidArgument(describe() + ": cannot send to " + target + ": not a udp:// endpoint");
        }
        if (target.port() == 0) {
            throw IpcException.invalidArgument(describe() + ": cannot send to " + target + ": port 0");
        }
        Target cached = lastTarget;
        InetSocketAddress address;
        if (cached != null && cached.endpoint().equals(target)) {
            address = cached.address();
        } else {
            address = new InetSocketAddress(lookup(target), target.port());
            if (target.host().indexOf(':') >= 0 || target.host().chars().allMatch(c -> c == '.' || (c >= '0'
                    && c <= '9'))) {
                lastTarget = new Target(target, address);
            }
        }
        if (socket.broadcasts.contains(address.getAddress())) {
            throw IpcException.invalidArgument(describe() + ": cannot send to " + target
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
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot resolve host '" + target.host() + "' of "
                    + target, e);
        }
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
        return receive(dst, FOREVER, "receive from");
    }

    @Override
    public Optional<Endpoint> tryReceive(ByteBuffer dst) {
        return Optional.ofNullable(receive(dst, NEVER, "receive from"));
    }

    @Override
    public Endpoint receive(ByteBuffer dst, Duration timeout) {
        return receive(dst, nanos(timeout), "receive from");
    }

    /** The sender, or null if {@code wait} is NEVER and no datagram is waiting. */
    private Endpoint receive(ByteBuffer dst, long wait, String operation) {
        require(Rights.READ, operation);
        if (dst == null || dst.isReadOnly()) {
            throw IpcException.invalidArgument(describe() + ": receiving needs a writable buffer, not " + dst);
        }
        Endpoint sender = receiveOnce(dst, operation);
        if (sender != null || wait == NEVER) {
            return sender;
        }
        counters.incrementAndGet(Counter.WAITS.ordinal());
        long deadline = System.nanoTime() + wait;
        lock(readWait, wait, deadline, operation);
        try {
            while ((sender = receiveOnce(dst, operation)) == null) {
                await(socket.readable, wait, deadline, operation);
            }
            return sender;
        } finally {
            readWait.unlock();
        }
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
            inbox.clear();
            InetSocketAddress from = (InetSocketAddress) socket.channel.receive(inbox);
            if (from == null) {
                return null;
            }
            inbox.flip();
            int size = inbox.remaining();
            if (size > options.maxDatagramSize() || size > dst.remaining()) {
                counters.incrementAndGet(Counter.ERRORS.ordinal());
                throw new IpcException(IpcError.MESSAGE_TOO_LARGE, describe() + ": a datagram from " + from
                        + (size > options.maxDatagramSize() ? " exceeds the maximum datagram size "
                                + options.maxDatagramSize() : " of " + size + " bytes does not fit in the "
                                + dst.remaining() + " bytes left in the buffer")
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

    // ---------------------------------------------------------------- waiting

    /** The timeout in nanoseconds, at least 1 (a zero timeout still tries once). */
    private long nanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw IpcException.invalidArgument(describe() + ": timeout " + timeout + " must be zero or more");
        }
        return timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE / 4
                : Math.max(1, timeout.toNanos());
    }

    /** Takes a wait lock, as long as the wait allows. */
    private void lock(ReentrantLock lock, long wait, long deadline, String operation) {
        try {
            if (wait == FOREVER) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw timeout(operation);
            }
        } catch (InterruptedException e) {
            throw IpcException.interrupted(operation, describe());
        }
    }

    /** Selects once (its wait lock held), for at most a slice and at most until the deadline. */
    private void await(Selector selector, long wait, long deadline, String operation) {
        Reactor.assertMayBlock(operation, describe());
        long millis = SLICE_MILLIS;
        if (wait != FOREVER) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timeout(operation);
            }
            millis = Math.min(millis, TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw IpcException.interrupted(operation, describe());
        }
        try {
            checkOpen();
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw IpcException.closed(describe());
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot wait: " + e.getMessage(), e);
        }
        checkOpen();
        if (Thread.currentThread().isInterrupted()) {
            throw IpcException.interrupted(operation, describe());
        }
    }

    private IpcException timeout(String operation) {
        counters.incrementAndGet(Counter.TIMEOUTS.ordinal());
        return IpcException.timeout(operation, describe());
    }

    @Override
    protected void countDenial(int right) {
        counters.incrementAndGet(Counter.DENIALS.ordinal());
    }

    @Override
    public String describe() {
        return "UDP socket " + name;
    }
}
