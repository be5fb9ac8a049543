package org.multios.ipc.console.jmx;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.management.MBeanServer;

import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPC objects in the platform MBean server, domain {@value IpcObjectNames#DOMAIN}: the
 * totals of every kind of object and one MBean per live object. A single thread, named
 * {@value #THREAD_NAME}, reconciles the MBeans with {@link IpcRuntime#objects()} every
 * {@code refresh.period.millis} (2 seconds unless configured under this component's pid), the
 * first time one period after activation: asking for the objects makes every mechanism not made
 * yet, which the gateway's start then does not wait for. The platform MBean server is taken on
 * that thread at the first reconcile too: making it registers every platform MXBean (several
 * hundred JDK classes), which a gateway's start then does not wait for either. On deactivation
 * the thread is stopped and waited for, and every MBean is unregistered.
 */
@Component(name = IpcJmxComponent.PID, service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = IpcJmxComponent.PERIOD_PROPERTY + ":Long=" + IpcJmxComponent.DEFAULT_PERIOD_MILLIS)
public final class IpcJmxComponent {
    /** The component name and configuration pid. */
    public static final String PID = "org.multios.ipc.console.jmx";
    /** The configuration property with the refresh period in milliseconds. */
    public static final String PERIOD_PROPERTY = "refresh.period.millis";
    /** The refresh period unless configured. */
    public static final long DEFAULT_PERIOD_MILLIS = 2000;
    /** The name of the refresher thread. */
    public static final String THREAD_NAME = "ipc-console-jmx";

    private static final Logger LOG = LoggerFactory.getLogger(IpcJmxComponent.class);
    private static final long STOP_MILLIS = 10_000;

    private final Supplier<? extends List<ObjectInfo>> source;
    private final Supplier<MBeanServer> server;
    private final long maxAgeMillis;
    /** Made at the first refresh, on the refresher thread; guarded by {@code this}. */
    private IpcMBeanExporter exporter;
    /** Guarded by {@code this}. */
    private boolean closed;
    private final ScheduledThreadPoolExecutor refresher;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** Exports the objects of the given runtime to the platform MBean server. */
    @Activate
    public IpcJmxComponent(@Reference IpcRuntime runtime, Map<String, Object> properties) {
        this(runtime, ManagementFactory::getPlatformMBeanServer, period(properties.get(PERIOD_PROPERTY)),
                IpcMBeanExporter.DEFAULT_MAX_AGE_MILLIS);
    }

    IpcJmxComponent(IpcRuntime runtime, MBeanServer server, long periodMillis, long maxAgeMillis) {
        this(runtime, () -> server, periodMillis, maxAgeMillis);
    }

    /** With the MBean server taken from {@code server} at the first refresh, on the refresher thread. */
    IpcJmxComponent(IpcRuntime runtime, Supplier<MBeanServer> server, long periodMillis, long maxAgeMillis) {
        this.source = runtime::objects;
        this.server = server;
        this.maxAgeMillis = maxAgeMillis;
        this.refresher = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(false);
            threads.add(t);
            return t;
        });
        refresher.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        refresher.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        refresher.scheduleWithFixedDelay(this::refresh, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            IpcMBeanExporter e = exporter();
            if (e != null) {
                e.reconcile();
            }
        } catch (RuntimeException e) {
            // an exception would end the periodic task
            LOG.warn("refreshing the IPC MBeans failed", e);
        }
    }

    /**
     * Stops the refresher, without interrupting a refresh under way, waits for its thread to
     * end and unregisters every MBean.
     */
    @Deactivate
    public void deactivate() {
        refresher.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
        try {
            for (Thread t : threads) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) {
                    t.join(left);
                }
                if (t.isAlive()) {
                    LOG.warn("the thread {} did not end within {} ms", THREAD_NAME, STOP_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                closed = true;
                if (exporter != null) {
                    exporter.close();
                }
            }
        }
    }

    /** The exporter, made now on its first use (the platform MBean server with it); null once closed. */
    synchronized IpcMBeanExporter exporter() {
        if (exporter == null && !closed) {
            exporter = new IpcMBeanExporter(source, server.get(), maxAgeMillis);
        }
        return exporter;
    }

    static long period(Object configured) {
        if (configured == null) {
            return DEFAULT_PERIOD_MILLIS;
        }
        try {
            long millis = configured instanceof Number n ? n.longValue() : Long.parseLong(configured.toString().trim());
            if (millis > 0) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("{} = '{}' is not a positive number of milliseconds; using {}", PERIOD_PROPERTY, configured,
                DEFAULT_PERIOD_MILLIS);
        return DEFAULT_PERIOD_MILLIS;
    }
}
