package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.QueueDescriptor.LISTENER_OWNER;
import static org.multios.ipc.channels.queue.QueueDescriptor.NOTIFY_SEQUENCE;

import java.util.concurrent.atomic.AtomicBoolean;

import org.multios.ipc.IpcException;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueListener;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.spi.MappedAccessFaults;

/**
 * A listener registration and the thread that serves it: the thread sleeps in the kernel (through
 * the mechanism's {@link SleeperWatch}) on the queue's notify sequence, which the
 * thread that made the queue non-empty while no receiver slept bumps (see {@code QueueFile}), and
 * calls the listener each time the sequence moved. The registration is the queue's one
 * registration (the listener word holds this process's owner word) until it is closed; closing
 * stops and joins the thread. The sequence is first read when the registration is made, so a
 * message sent as soon as {@code register} returns is not missed.
 */
final class QueueWatcher implements QueueRegistration {
    private static final System.Logger LOG = System.getLogger(QueueWatcher.class.getName());

    private final QueueHandle handle;
    private final QueueListener listener;
    private final MappedRegion region;
    private final long owner;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private final SleeperWatch sleepers;
    private final int initialSequence;
    /** Test hook run before each wait, where a late fault of the listener's calls surfaces; or null. */
    private final Runnable beforeWait;

    QueueWatcher(QueueHandle handle, QueueListener listener, MappedRegion region, long owner, SleeperWatch sleepers,
            Runnable beforeWait) {
        this.handle = handle;
        this.sleepers = sleepers;
        this.beforeWait = beforeWait;
        this.listener = listener;
        this.region = region;
        this.owner = owner;
        this.initialSequence = region.getIntVolatile(NOTIFY_SEQUENCE);
        this.thread = new Thread(this::watch, "ipc-queue-listener-" + handle.file().plainName() + "-" + handle.id());
        this.thread.setDaemon(true);
    }

    /** Starts the thread. */
    QueueWatcher start() {
        thread.start();
        return this;
    }

    private void watch() {
        int seen = initialSequence;
        while (!closed.get()) {
            int now;
            try {
                if (beforeWait != null) {
                    beforeWait.run();
                }
                // stop() wakes it, and the watch again while it sleeps closed (a wake before the sleep)
                sleepers.await(region, NOTIFY_SEQUENCE, seen, SleeperWatch.LONGEST_SLEEP_NANOS, closed::get);
                now = MappedFault.passed(region.getIntVolatile(NOTIFY_SEQUENCE));
            } catch (Error e) {
                // the queue's file truncated under the mapping: the handle's rule closes the handle,
                // and with it this registration; a late fault of another mapping the listener's
                // calls touched is logged and the registration goes on (any other Error is rethrown)
                IpcException corrupted = handle.listenerFault(e);
                if (corrupted == null) {
                    LOG.log(System.Logger.Level.WARNING, "listener of " + handle.file().displayName()
                            + " met a late fault of another mapping", e);
                    continue;
                }
                LOG.log(System.Logger.Level.WARNING, "listener of " + handle.file().displayName() + " ended: "
                        + corrupted.getMessage());
                return;
            }
            if (closed.get()) {
                return;
            }
            if (now != seen) {
                seen = now;
                try {
                    listener.messageAvailable(handle);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "listener of " + handle.file().displayName() + " failed", e);
                } catch (InternalError e) {
                    // a fault of a mapping the listener's calls touched, delivered after the call returned
                    LOG.log(System.Logger.Level.WARNING, "listener of " + handle.file().displayName() + " failed",
                            MappedAccessFaults.survivable(e));
                }
            }
        }
    }

    @Override
    public MessageQueue queue() {
        return handle;
    }

    @Override
    public boolean isActive() {
        return !closed.get();
    }

    /** How long closing waits for a listener that is still running, twice (then interrupts). */
    private static final long JOIN_MILLIS = 2_000;

    /**
     * Removes the registration and wakes the thread, without waiting for it: at revocation of the
     * handle's grant, which must not wait for a listener. Returns whether this call removed it.
     */
    boolean stop() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        region.compareAndSetLong(LISTENER_OWNER, owner, 0);
        Futex.wake(region, NOTIFY_SEQUENCE, Integer.MAX_VALUE);
        handle.forget(this);
        return true;
    }

    /** Removes the registration, wakes the thread and waits for it to end (unless called from it). */
    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(JOIN_MILLIS);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                org.slf4j.LoggerFactory.getLogger(QueueWatcher.class).warn(
                        "{}: a queue listener did not return within {} ms; its thread is left behind",
                        thread.getName(), 2 * JOIN_MILLIS);
            }
        }
    }
}
