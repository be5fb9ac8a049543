package org.multios.ipc.gateway.internal;

import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the framework when the JVM is asked to end (SIGTERM, SIGINT, System.exit), so that
 * every bundle stops in order: waiters wake with CLOSED, files are closed, threads end. The
 * launcher alone would let the JVM exit with every bundle still active.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true)
public final class ShutdownHook {
    /** How long the hook waits for the framework to stop before the JVM goes on exiting. */
    static final long STOP_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHook.class);

    private final Thread hook;

    /** Installs the hook. */
    @Activate
    public ShutdownHook(BundleContext context) {
        Bundle system = context.getBundle(0);
        this.hook = new Thread(() -> stop(system), "ipc-gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void stop(Bundle system) {
        if ((system.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
            return;
        }
        LOG.info("JVM shutting down: stopping the framework");
        try {
            system.stop();
            if (system instanceof Framework framework) {
                framework.waitForStop(STOP_TIMEOUT_MILLIS);
            }
        } catch (BundleException e) {
            LOG.error("the framework did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the hook, unless the JVM is already running it. */
    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook is what stops us
        }
    }
}
