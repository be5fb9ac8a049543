package org.multios.ipc.sync.internal;

import java.util.Map;

import org.multios.ipc.event.EventService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.multios.ipc.sync.SyncService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The OSGi components of the synchronization mechanisms. */
final class SyncComponents {

    private SyncComponents() {
    }

    /** Semaphores, mutexes and conditions as a mechanism; stopping closes every handle. */
    @Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
    @IpcMechanism("sync")
    public static final class Sync extends MechanismComponent<SyncService, SyncMechanism> {
        /** Starts the mechanism. */
        @Activate
        public Sync(BundleContext context, Map<String, Object> config) {
            super(context, config, SyncMechanism::new);
        }
    }

    /** Events as a mechanism; stopping closes every handle. */
    @Component(service = {}, immediate = true, configurationPid = { PlatformConfiguration.WAIT_PID, PlatformConfiguration.LIMITS_PID })
    @IpcMechanism("event")
    public static final class Events extends MechanismComponent<EventService, EventMechanism> {
        /** Starts the mechanism. */
        @Activate
        public Events(BundleContext context, Map<String, Object> config) {
            super(context, config, EventMechanism::new);
        }
    }
}
