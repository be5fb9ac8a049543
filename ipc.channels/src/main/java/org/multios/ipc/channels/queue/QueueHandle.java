package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.QueueDescriptor.*;

import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.PortSession;
import org.multios.ipc.channels.ring.MessageRing;
import org.multios.ipc.channels.ring.RingPort;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueAttributes;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueListener;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.Grant;

/**
 * A caller's handle on a named queue: a {@link RingPort} on the queue's one ring (sent to and
 * received from; a ring with priorities or a lane), with the non-blocking flag and at most one
 * listener registration. Revoking the grant ends the registration and wakes the queue's
 * sleepers, so this handle's fail with PERMISSION_DENIED.
 */
final class QueueHandle extends RingPort implements MessageQueue {
    private static final int[] COUNTERS = {WAITS, TIMEOUTS, ERRORS};

    private final QueueFile file;
    private final MessageRing ring;
    private final MappedRegion region;
    private volatile boolean nonBlocking;
    private volatile QueueWatcher watcher;
    private final HandleCounters counters;

    QueueHandle(PortSession session, QueueFile file, Grant grant, boolean nonBlocking) {
        super(session, grant, file.ring(), file.ring(), file);
        this.file = file;
        this.ring = file.ring();
        this.region = file.region();
        this.nonBlocking = nonBlocking;
        this.counters = new HandleCounters(COUNTERS_OF_HANDLES, region);
        file.count(HANDLES, 1);
        grant.onRevoke(this::revoked);
    }

    /** At revocation: the listener registration ends, and the queue's sleepers wake to re-check. */
    private void revoked() {
        synchronized (this) {
            QueueWatcher w = watcher;
            if (w != null) {
                w.stop();
            }
        }
        wakeWaiters();
    }

    QueueFile file() {
        return file;
    }

    @Override
    public String describe() {
        return "handle on " + file.displayName();
    }

    @Override
    protected void countDenial(int right) {
        file.count(DENIALS, 1);
    }

    @Override
    protected void count(boolean sending, int event) {
        file.count(COUNTERS[event], 1);
    }

    @Override
    protected int maxMessageSize() {
        return file.maxMessageSize();
    }

    @Override
    protected WaitStrategy objectWaitStrategy() {
        return file.waitStrategy();
    }

    @Override
    protected boolean nonBlocking() {
        return nonBlocking;
    }

    @Override
    public void wakeWaiters() {
        ring.signals().wakeAll();
    }

    /**
     * Counts a message sent or received inside its step: in this handle's counter slot, or in the
     * queue's shared counters when the handle or the step has none.
     */
    @Override
    public void transferred(boolean sent, int length, int token) {
        if (!counters.add(sent, length, token)) {
            file.countShared(sent, length);
        }
    }

    /** Every send that published a message, copied or claimed, ends here. */
    @Override
    public void published(int length) {
        file.sent();
    }

    /** This handle's counter slot, or {@link org.multios.ipc.core.step.CounterSlots#NONE} (tests). */
    int counterSlot() {
        return counters.slot();
    }

    // ------------------------------------------------------------------ attributes and notification

    /**
     * The queue's sizes, the messages queued now and this handle's flags. A lane may hold more
     * messages smaller than its largest than its message count ({@code QueueOptions.lane}): its
     * current messages then read as that count, and {@link #info()}'s depth says how many.
     */
    @Override
    public QueueAttributes attributes() {
        checkOpen();
        try {
            int maxMessages = file.maxMessages();
            return MappedFault.passed(new QueueAttributes(file.maxMessageSize(), maxMessages,
                    Math.min(ring.size(), maxMessages), nonBlocking ? Set.of(QueueFlag.NON_BLOCKING) : Set.of()));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        checkOpen();
        this.nonBlocking = nonBlocking;
    }

    @Override
    public QueueRegistration register(QueueListener listener) {
        return register(listener, null);
    }

    /** {@link #register(QueueListener)} with a test hook its thread runs before each wait (or null). */
    QueueRegistration register(QueueListener listener, Runnable beforeWait) {
        if (listener == null) {
            throw IpcException.invalidArgument(file.displayName() + ": listener must not be null");
        }
        long me = ring.ownerWord();
        synchronized (this) {
            // under the lock that revocation takes to end the registration: one or the other comes first
            require(Rights.READ, "register a listener on");
            if (!region.compareAndSetLong(LISTENER_OWNER, 0, me)) {
                long holder = region.getLongVolatile(LISTENER_OWNER);
                boolean stale = holder != me && holder != 0 && ring.isOwnerDead(holder);
                if (!stale || !region.compareAndSetLong(LISTENER_OWNER, holder, me)) {
                    throw new IpcException(IpcError.BUSY, file.displayName() + " already has a listener (process "
                            + ProcessLiveness.ownerId(holder) + ")");
                }
            }
            QueueWatcher w = new QueueWatcher(this, listener, region, me, sleepers(), beforeWait);
            watcher = w;
            return w.start();
        }
    }

    /**
     * The handle's rule ({@link #fault}) for an Error its listener's thread met reading the
     * mapping: the CORRUPTED the handle closed with; null for a mapped-access fault that is not
     * this queue's (a late one of another mapping the listener's calls touched); or {@code e}
     * rethrown.
     */
    IpcException listenerFault(Error e) {
        if (MappedFault.isMappedAccessFault(e) && mappingFault(e) == null) {
            return null;
        }
        return fault(e);
    }

    /** The registration closed. */
    void forget(QueueWatcher w) {
        synchronized (this) {
            if (watcher == w) {
                watcher = null;
            }
        }
    }

    // ------------------------------------------------------------------ identity and closing

    @Override
    public ObjectType type() {
        return ObjectType.QUEUE;
    }

    @Override
    public ObjectInfo info() {
        try {
            return MappedFault.passed(file.info());
        } catch (Error e) {
            throw fault(e);
        }
    }

    /** Its registration ends and every waiter wakes (and, through it, with CLOSED). */
    @Override
    protected void closed() {
        QueueWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        counters.release();
        file.count(HANDLES, -1);
        wakeWaiters();
    }
}
