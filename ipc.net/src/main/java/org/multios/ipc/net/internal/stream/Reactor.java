package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
 * {@link #execute}. Every {@value #TICK_MILLIS} ms it lets each registered handler check its
 * deadlines (handshake, idle and linger timeouts).
 */
public final class Reactor implements AutoCloseable {
    /** How often handlers check their deadlines. */
    static final long TICK_MILLIS = 100;

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

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final AtomicLong faults = new AtomicLong();
    private volatile boolean running = true;

    /** Opens the selector and starts the thread with the given name. */
    public Reactor(String threadName) {
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

    /** Whether the caller is the reactor thread. */
    boolean inReactor() {
        return Thread.currentThread() == thread;
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
                selector.select(TICK_MILLIS);
                runTasks();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        ((Handler) key.attachment()).ready(key);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
                    for (SelectionKey key : selector.keys()) {
                        if (key.isValid()) {
                            ((Handler) key.attachment()).tick(now);
                        }
                    }
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                faults.incrementAndGet();
                LOG.error("network reactor: {}", e.toString(), e);
            }
        }
        runTasks();
        for (SelectionKey key : selector.keys()) {
            try {
                ((Handler) key.attachment()).shutdown();
            } catch (RuntimeException e) {
                LOG.warn("network reactor shutdown: {}", e.toString(), e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector: {}", e.toString());
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
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
