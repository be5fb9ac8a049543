package org.multios.ipc.sync.internal;

import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.event.EventService;
import org.multios.ipc.spi.DelegatingProvider;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.sync.SyncService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/** The OSGi components of the synchronization mechanisms. */
final class SyncComponents {

    private SyncComponents() {
    }

    static IpcEnvironment environment(BundleContext context, Map<String, Object> config) {
        return PlatformConfiguration.environment(context.getProperty(IpcEnvironment.ROOT_PROPERTY), config);
    }

    /** Semaphores, mutexes and conditions as a mechanism; stopping closes every handle. */
    @Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
    @IpcMechanism("sync")
    public static final class Sync extends DelegatingProvider<SyncService> {
        private final SyncMechanism mechanism;
        private final BundleContext context;

        /** Starts the mechanism. */
        @Activate
        public Sync(BundleContext context, Map<String, Object> config) {
            this(new SyncMechanism(environment(context, config)), context);
            mechanism.configure(config);
            publish(context, config);
        }

        private Sync(SyncMechanism mechanism, BundleContext context) {
            super(mechanism);
            this.mechanism = mechanism;
            this.context = context;
        }

        @Modified
        void modified(Map<String, Object> config) {
            mechanism.environment(environment(context, config));
            mechanism.configure(config);
        }

        @Deactivate
        void deactivate() {
            withdraw();
            mechanism.close();
        }
    }

    /** Events as a mechanism; stopping closes every handle. */
    @Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
    @IpcMechanism("event")
    public static final class Events extends DelegatingProvider<EventService> {
        private final EventMechanism mechanism;
        private final BundleContext context;

        /** Starts the mechanism. */
        @Activate
        public Events(BundleContext context, Map<String, Object> config) {
            this(new EventMechanism(environment(context, config)), context);
            mechanism.configure(config);
            publish(context, config);
        }

        private Events(EventMechanism mechanism, BundleContext context) {
            super(mechanism);
            this.mechanism = mechanism;
            this.context = context;
        }

        @Modified
        void modified(Map<String, Object> config) {
            mechanism.environment(environment(context, config));
            mechanism.configure(config);
        }

        @Deactivate
        void deactivate() {
            withdraw();
            mechanism.close();
        }
    }
}
