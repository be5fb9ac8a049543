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
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

/**
 * A {@link DatagramEndpoint} on a non-blocking {@link DatagramChannel}, with no thread of its
 * own. An operation first tries once; a thread that must wait takes the direction's wait lock
 * and selects on the endpoint's selector for that direction, in slices of at most
 * {@value #SLICE_MILLIS} ms, so an interrupt only wakes it (a blocking channel would be closed
 * by it) and {@link #close()} wakes it with CLOSED. Datagrams are received into one reusable
 * direct buffer one byte larger than the maximum, under a short receive lock: a datagram that
 * does not fit is detected, discarded and reported, and each datagram reaches exactly one
 * receiver. Counters: {@code *_OUT} sent, {@code *_IN} received, {@code ERRORS} datagrams
 * discarded as too large, I/O failures, and datagrams the kernel dropped before they could be
 * received (receive buffer full), where the kernel shows them ({@link KernelDrops}: Linux).
 */
public final class UdpEndpoint implements DatagramEndpoint, ClosingHandle {
    /** The longest single select: a safety net, as close and interrupts wake selectors anyway. */
    private static final long SLICE_MILLIS = 250;
    private static final long FOREVER = -1;
    private static final long NEVER = 0;

    private final long id;
    private final Endpoint local;
    private final String name;
    private final DatagramOptions options;
    private final CallerContext owner;
    private final Grant grant;
    private final DatagramChannel channel;
    private final boolean ipv6;
    private final Selector readable;
    private final Selector writable;
    /** Addresses refused as broadcast: empty when the options allow broadcast. */
    private final Set<InetAddress> broadcasts;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final KernelDrops kernelDrops;
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
    private volatile boolean closed;
    private Runnable onClose = () -> {
    };

    private record Target(Endpoint endpoint, InetSocketAddress address) {
    }

    private UdpEndpoint(long id, Endpoint local, DatagramOptions options, CallerContext owner, Grant grant,
            DatagramChannel channel, boolean ipv6, Selector readable, Selector writable, KernelDrops kernelDrops) {
        this.id = id;
        this.local = local;
        this.name = local.toString();
        this.options = options;
        this.owner = owner;
        this.grant = grant;
        this.channel = channel;
        this.ipv6 = ipv6;
        this.readable = readable;
        this.writable = writable;
        this.kernelDrops = kernelDrops;
        this.broadcasts = options.broadcast() ? Set.of() : broadcastAddresses();
        this.inbox = ByteBuffer.allocateDirect(options.maxDatagramSize() + 1);
        grant.onRevoke(this::wakeWaiters);
    }

    /** At revocation: the threads waiting to send or receive wake and find the grant revoked. */
    private void wakeWaiters() {
        readable.wakeup();
        writable.wakeup();
    }

    /**
     * Opens a UDP socket bound to {@code local} (port 0: any free port).
     *
     * @param id    the object id
     * @param owner the owning process's context, told of denials
     * @param grant the rights of the handle, tested at every operation
     * @throws IpcException INVALID_ARGUMENT if {@code local} is not UDP; ALREADY_EXISTS if the
     *         address is in use; PERMISSION_DENIED if the operating system refuses (a privileged
     *         port); IO_ERROR otherwise (an unknown host, an address not of this machine)
     */
    public static UdpEndpoint open(long id, Endpoint local, DatagramOptions options, CallerContext owner,
            Grant grant) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(grant, "grant");
        if (local == null || local.transport() != Transport.UDP) {
            throw IpcException.invalidArgument("cannot open a UDP socket on " + local + ": not a udp:// endpoint");
        }
        InetSocketAddress address = new InetSocketAddress(local.host(), local.port());
        if (address.isUnresolved()) {
            throw new IpcException(IpcError.IO_ERROR, "UDP socket " + local + ": cannot resolve host '"
                    + local.host() + "'");
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
            Endpoint bound = local.withPort(boundAddress.getPort());
            return new UdpEndpoint(id, bound, options, owner, grant, channel, ipv6, readable, writable,
                    KernelDrops.of(boundAddress, ipv6));
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

    /**
     * Runs {@code action} once when the endpoint closes (at once if it is closed already); it
     * replaces any action given before.
     */
    @Override
    public void onClose(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (closeLock) {
            if (!closed) {
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
    public int rights() {
        return grant.rights();
    }

    @Override
    public ObjectInfo info() {
        long[] values = new long[counters.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counters.get(i);
        }
        values[Counter.ERRORS.ordinal()] += kernelDrops.count();
        return new ObjectInfo(ObjectType.ENDPOINT, id, name(), owner.process(), Permissions.of(owner.process(), 0600),
                options.maxDatagramSize(), false, Statistics.of(values, WaitTimes.NONE));
    }

    @Override
    public void setPermissions(Permissions permissions) {
        ensureOpen();
        throw IpcException.invalidArgument(describe() + ": a UDP socket has no permissions to change");
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        Runnable action;
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            action = onClose;
        }
        readable.wakeup();
        writable.wakeup();
        closeQuietly(readable);
        closeQuietly(writable);
        kernelDrops.stop();
        closeQuietly(channel);
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
        ensureOpen();
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
                await(writable, wait, deadline, operation);
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
        if (broadcasts.contains(address.getAddress())) {
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
                if ((a instanceof Inet6Address) == ipv6) {
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
        ensureOpen();
        beginStep(Rights.WRITE, operation);
        try {
            // An empty datagram cannot tell "sent" from "no room" (both 0): it counts as sent.
            if (channel.send(src, to) == 0 && size > 0) {
                return false;
            }
        } catch (ClosedChannelException e) {
            throw closedException();
        } catch (UnsupportedAddressTypeException e) {
            throw IpcException.invalidArgument(describe() + ": cannot send to " + to + ": not of the socket's "
                    + "address family");
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot send to " + to + ": " + e.getMessage(), e);
        } finally {
            grant.endStep();
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
        ensureOpen();
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
                await(readable, wait, deadline, operation);
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
            ensureOpen();
            beginStep(Rights.READ, operation);
            stepBegun = true;
            inbox.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(inbox);
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
            throw closedException();
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot receive: " + e.getMessage(), e);
        } finally {
            if (stepBegun) {
                grant.endStep();
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
            ensureOpen();
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw closedException();
        } catch (IOException e) {
            counters.incrementAndGet(Counter.ERRORS.ordinal());
            throw new IpcException(IpcError.IO_ERROR, describe() + ": cannot wait: " + e.getMessage(), e);
        }
        ensureOpen();
        if (Thread.currentThread().isInterrupted()) {
            throw IpcException.interrupted(operation, describe());
        }
    }

    private IpcException timeout(String operation) {
        counters.incrementAndGet(Counter.TIMEOUTS.ordinal());
        return IpcException.timeout(operation, describe());
    }

    // ---------------------------------------------------------------- checks

    private void require(int right, String operation) {
        if (!grant.allows(right)) {
            throw denied(operation);
        }
    }

    /**
     * Begins a step that transfers a datagram (revocation waits for it to end): a revoked grant
     * refuses it; every step begun ends with {@link Grant#endStep()}.
     */
    private void beginStep(int right, String operation) {
        if (!grant.beginStep(right)) {
            throw denied(operation);
        }
    }

    private IpcException denied(String operation) {
        counters.incrementAndGet(Counter.DENIALS.ordinal());
        owner.denied(ObjectType.ENDPOINT, name, operation);
        return IpcException.permissionDenied(operation, describe(), owner.process().toString());
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private IpcException closedException() {
        return IpcException.closed(describe());
    }

    private String describe() {
        return "UDP socket " + name;
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

    @Override
    public String toString() {
        return describe();
    }
}
