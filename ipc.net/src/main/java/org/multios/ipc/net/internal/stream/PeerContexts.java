package org.multios.ipc.net.internal.stream;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.spi.PeerAuthority;

/**
 * What the servers and clients of one network mechanism share: the reactor, the authority
 * that identifies peers, this process's id, connection numbers (from 2<sup>32</sup>, so that
 * they never collide with bundle ids), the {@link NetSettings} in force, the worker threads
 * every bridge together may run, the threads that run TLS handshakes' delegated tasks, and
 * those that learn who accepted Unix peers are ({@link PeerCredentials}), so that the reactor
 * never runs them.
 */
public final class PeerContexts {
    /** Threads for TLS handshakes' delegated tasks (key exchange, certificate checks). */
    private static final int TLS_THREADS = 2;

    private final Reactor reactor;
    private final PeerAuthority authority;
    private final AtomicLong connections = new AtomicLong(1L << 32);
    private final AtomicInteger workersBusy = new AtomicInteger();
    private final long pid = ProcessHandle.current().pid();
    private final AtomicInteger tlsThreads = new AtomicInteger();
    private final ThreadPoolExecutor tlsTasks = new ThreadPoolExecutor(TLS_THREADS, TLS_THREADS, 30,
            TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "ipc-net-tls-" + tlsThreads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private final PeerCredentials peerCredentials = new PeerCredentials();
    private volatile NetSettings settings;
    private volatile HostLookup lookup = HostLookup.SYSTEM;

    /** Shares the given reactor, authority and settings. */
    public PeerContexts(Reactor reactor, PeerAuthority authority, NetSettings settings) {
        this.reactor = reactor;
        this.authority = authority;
        this.settings = settings;
        tlsTasks.allowCoreThreadTimeOut(true);
    }

    /** Where TLS handshakes run their delegated tasks. */
    ExecutorService tlsTasks() {
        return tlsTasks;
    }

    /** Where accepted Unix connections learn who their peers are. */
    PeerCredentials peerCredentials() {
        return peerCredentials;
    }

    /** Reads Unix peers' credentials with {@code changed} from now on (tests: a reader that blocks). */
    public void peerReader(PeerReader changed) {
        peerCredentials.reader(changed);
    }

    /** Stops the TLS task and peer credential threads (the mechanism stops). */
    public void close() {
        tlsTasks.shutdownNow();
        peerCredentials.close();
    }

    Reactor reactor() {
        return reactor;
    }

    PeerAuthority authority() {
        return authority;
    }

    long pid() {
        return pid;
    }

    /** The settings in force. */
    public NetSettings settings() {
        return settings;
    }

    /** Applies changed settings to connections and requests from now on. */
    public void settings(NetSettings changed) {
        this.settings = changed;
    }

    /** How hosts are looked up: the system's resolver unless a test answers. */
    public HostLookup lookup() {
        return lookup;
    }

    /** Looks hosts up with {@code changed} from now on (tests: a resolver whose answers they choose). */
    public void lookup(HostLookup changed) {
        this.lookup = changed;
    }

    /** A new connection number. */
    long nextConnection() {
        return connections.incrementAndGet();
    }

    /**
     * Takes one of the mechanism's worker threads; false if every one ({@link NetSettings#workers})
     * is taken. Each taken one is given back with {@link #returnWorker}.
     */
    public boolean takeWorker() {
        int busy;
        do {
            busy = workersBusy.get();
            if (busy >= settings.workers()) {
                return false;
            }
        } while (!workersBusy.compareAndSet(busy, busy + 1));
        return true;
    }

    /** Gives back a worker taken with {@link #takeWorker}. */
    public void returnWorker() {
        workersBusy.decrementAndGet();
    }

    /** Worker threads taken now. */
    public int workersBusy() {
        return workersBusy.get();
    }
}
