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
 */
public final class CacheKeyActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        String cache = System.getProperty("launch.storage.dir");
        if (cache == null) {
            return;
        }
        try {
            KeptCache.complete(Path.of(cache));
        } catch (IOException | RuntimeException e) {
            // the next start finds the cache unfinished and makes it again
            System.err.println("gateway: WARNING: the framework cache " + cache + " is not kept for the next start (" + e + ")");
        }
    }

    @Override
    public void stop(BundleContext context) {
        // nothing: the cache stays whole when the framework stops
    }
}
