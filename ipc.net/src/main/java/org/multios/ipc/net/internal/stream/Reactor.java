package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that serves every socket of the network mechanism: it accepts, completes
 * handshakes, reads and decodes frames, and finishes writes that did not complete at once
 * (senders write directly while the socket takes their bytes). Other threads hand it work with
 * {@link #execute}; its own handlers set timers with {@link #at}. Every tick
 * ({@link Timing#DEFAULT}: 100 ms) it lets each registered handler check its deadlines
 * (handshake, idle and linger timeouts); with no socket registered and no timer set it sleeps
 * until it is handed work.
 */
public final class Reactor implements AutoCloseable {
    /**
     * The reactor's clock: how often handlers check their deadlines, and how long a socket is left
     * to a receiver that reads it itself after the receiver's last call ({@link Inbound}).
     *
     * @param tick          between two deadline checks of every handler
     * @param receiverLease how long after a blocking receive call the reactor leaves the socket to
     *                      the receiver
     */
    public record Timing(Duration tick, Duration receiverLease) {
        /** A tick of 100 ms and a lease of 1 ms. */
        public static final Timing DEFAULT = new Timing(Duration.ofMillis(100), Duration.ofMillis(1));

        /** Checks that both are positive. */
        public Timing {
            if (tick.isNegative() || tick.isZero() || receiverLease.isNegative() || receiverLease.isZero()) {
                throw new IllegalArgumentException("the reactor's tick and lease must be positive: " + tick + ", "
                        + receiverLease);
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);

    /** What is attached to each selection key. */
    interface Handler {
        /** The key is ready for some of its interest operations. */
        void ready(SelectionKey key);

        /** Periodic deadline check, in the reactor thread. */
        void tick(long nowNanos);

        /** The reactor is stopping: release everything. */
        void shutdown();
    }

    /** The reactor's thread: its class marks it, so blocking paths can tell they must not wait. */
    private static final class ReactorThread extends Thread {
        ReactorThread(Runnable run, String name) {
            super(run, name);
        }
    }

    /** A task to run in the reactor thread once {@link System#nanoTime} passes {@code at}. */
    private record Timer(long at, Runnable task) {
    }

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Timers set by handlers; reactor thread only. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at - b.at, 0));
    private final long tickNanos;
    private final long receiverLeaseNanos;
    private final Thread thread;
    private final AtomicLong faults = new AtomicLong();
    private volatile boolean running = true;
    /** Passes of the loop so far; written by the reactor thread only. */
    private volatile long passes;

    /** Opens the selector and starts the thread with the given name, on the {@link Timing#DEFAULT default} clock. */
    public Reactor(String threadName) {
        this(threadName, Timing.DEFAULT);
    }

    /** Opens the selector and starts the thread with the given name and clock. */
    public Reactor(String threadName, Timing timing) {
        this.tickNanos = timing.tick().toNanos();
        this.receiverLeaseNanos = timing.receiverLease().toNanos();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, "cannot open a selector: " + e.getMessage(), e);
        }
        this.thread = new ReactorThread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs a task in the reactor thread, soon. */
    public void execute(Runnable task) {
        if (!running) {
            throw IpcException.closed("the network mechanism");
        }
        tasks.add(task);
        selector.wakeup();
    }

    /**
     * Every path that can wait for a peer or for room calls this first: a reactor thread must
     * never wait (it would stop every socket). An assertion: tests run with it enabled, and a
     * reactor that trips it counts a {@linkplain #faults() fault}.
     */
    public static void assertMayBlock(String operation, String object) {
        assert !(Thread.currentThread() instanceof ReactorThread)
                : "a reactor thread must not wait to " + operation + " (" + object + ")";
    }

    /** Errors the reactor thread caught from a handler or task (each logged); 0 when all is well. */
    public long faults() {
        return faults.get();
    }

    /** How many times the reactor thread went round its loop (tests: an idle reactor stays asleep). */
    long passes() {
        return passes;
    }

    /** Whether the caller is the reactor thread. */
    boolean inReactor() {
        return Thread.currentThread() == thread;
    }

    /** How long after a blocking receive call the reactor leaves a socket to the receiver. */
    long receiverLeaseNanos() {
        return receiverLeaseNanos;
    }

    /**
     * Runs {@code task} in the reactor thread once {@link System#nanoTime} has passed
     * {@code deadline} (at the latest a millisecond after it, when the reactor is not busy). Only
     * from the reactor thread.
     */
    void at(long deadline, Runnable task) {
        assert inReactor() : "reactor timers are set in the reactor thread";
        timers.add(new Timer(deadline, task));
    }

    /** Wakes the selector so that changed interest operations take effect. */
    void wakeup() {
        selector.wakeup();
    }

    /** Registers a channel; must run in the reactor thread. */
    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws ClosedChannelException {
        return channel.register(selector, ops, handler);
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (running) {
            try {
                passes++;
                select(nextTick);
                runTasks();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        ((Handler) key.attachment()).ready(key);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                runTimers(now);
                if (now - nextTick >= 0) {
                    nextTick = now + tickNanos;
                    for (SelectionKey key : selector.keys()) {
                        if (key.isValid()) {
                            ((Handler) key.attachment()).tick(now);
                        }
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                faults.incrementAndGet();
                LOG.error("network reactor: {}", e.toString(), e);
            }
        }
        runTasks();
        for (SelectionKey key : selector.keys()) {
            try {
                ((Handler) key.attachment()).shutdown();
            } catch (RuntimeException | Error e) {
                LOG.warn("network reactor shutdown: {}", e.toString(), e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector: {}", e.toString());
        }
    }

    /**
     * Waits for readiness, a task, the next tick or the next timer, whichever comes first. With no
     * socket registered and no timer set there is nothing to tick or time out: it waits for a
     * task alone (every registration and every timer comes from a task or a handler, in this
     * thread), so an idle mechanism's reactor does not wake ten times a second.
     */
    private void select(long nextTick) throws IOException {
        Timer first = timers.peek();
        if (first == null && selector.keys().isEmpty()) {
            selector.select();
            return;
        }
        long until = nextTick;
        if (first != null && first.at - until < 0) {
            until = first.at;
        }
        long wait = until - System.nanoTime();
        if (wait <= 0) {
            selector.selectNow();
        } else {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + TimeUnit.MILLISECONDS.toNanos(1) - 1)));
        }
    }

    private void runTimers(long now) {
        Timer t;
        while ((t = timers.peek()) != null && now - t.at >= 0) {
            timers.poll();
            try {
                t.task.run();
            } catch (RuntimeException | Error e) {
                faults.incrementAndGet();
                LOG.error("network reactor timer: {}", e.toString(), e);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                faults.incrementAndGet();
                LOG.error("network reactor task: {}", e.toString(), e);
            }
        }
    }

    /** Stops the thread after every handler has shut down; waits for it at most 5 s. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (!inReactor()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
