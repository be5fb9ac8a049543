package org.multios.ipc.gateway.launched;

import java.io.IOException;
import java.nio.file.Path;

import org.multios.ipc.gateway.boot.KeptCache;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Marks the kept framework cache whole ({@link KeptCache#complete}): bnd's launcher starts it
 * with the system bundle's context once it has installed every bundle and started the framework
 * (launcher property {@code launch.activators}, which {@link KeptCache} sets). It is loaded by the
 * launcher's class loader from the gateway jar, not by the bundle that also holds it.
 * <p>
 * The flushes to the disk that come first take time, so they run on a daemon thread of this
 * activator, off the way to a ready console. A JVM that ends meanwhile leaves the key unmoved
 * (the rename is one step), and the next start makes the cache again; {@link #stop} and an orderly
 * JVM exit (bnd's launcher exits once the framework stopped, perhaps without stopping this
 * activator) wait for the thread a while, then stop it before the rename.
 */
public final class CacheKeyActivator implements BundleActivator {
    /** How long a framework stop waits for the key to be moved. */
    private static final long STOP_WAIT_MILLIS = 10_000;
    private Thread marker;
    private Thread exitWait;

    @Override
    public synchronized void start(BundleContext context) {
        String cache = System.getProperty("launch.storage.dir");
        if (cache == null) {
            return;
        }
        marker = new Thread(() -> mark(Path.of(cache)), "ipc-gateway-cache-key");
        marker.setDaemon(true);
        Thread started = marker;
        exitWait = new Thread(() -> finish(started), "ipc-gateway-cache-key-exit");
        Runtime.getRuntime().addShutdownHook(exitWait);
        marker.start();
    }

    /** Waits for the thread moving the key a while, then stops it before the move if it must. */
    private static void finish(Thread thread) {
        try {
            thread.join(STOP_WAIT_MILLIS);
            thread.interrupt();
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    private static void mark(Path cache) {
        try {
            KeptCache.complete(cache);
        } catch (IOException | RuntimeException e) {
            // the next start finds the cache unfinished and makes it again
            System.err.println("gateway: WARNING: the framework cache " + cache + " is not kept for the next start (" + e + ")");
        }
    }

    @Override
    public synchronized void stop(BundleContext context) {
        // the cache stays whole when the framework stops; a move not yet made is not made later
        if (marker != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitWait);
            } catch (IllegalStateException exiting) {
                // the hook runs finish already
            }
            finish(marker);
            marker = null;
            exitWait = null;
        }
    }
}
