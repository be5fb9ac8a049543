package org.multios.ipc.sync.signals;

import java.util.Map;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.spi.IpcMechanism;
import org.multios.ipc.spi.MechanismComponent;
import org.multios.ipc.spi.PlatformConfiguration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal mechanism in OSGi: limits from the platform's limits configuration; the default
 * action TERMINATE stops the target bundle. Like every mechanism, made at its first use
 * ({@link MechanismComponent}): the JVM's signal handlers and the delivery threads come with the
 * first caller, not with the gateway's start. The bundle is stopped on a thread of its own
 * ({@value #STOPPER_PREFIX}&lt;bundle id&gt;), so that a delivery thread never stops a bundle
 * synchronously (the bundle's deactivation may wait for that very thread). Stopping this
 * component closes the mechanism if it was made: every handler goes, the JVM's signal handlers
 * are restored and every thread ends.
 */
@Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
@IpcMechanism("signal")
public final class SignalComponent extends MechanismComponent<SignalService, SignalMechanism> {
    static final String STOPPER_PREFIX = DeliveryThreads.PREFIX + "stop-bundle-";
    private static final Logger LOG = LoggerFactory.getLogger(SignalComponent.class);

    /** Publishes the mechanism, made at its first use. */
    @Activate
    public SignalComponent(BundleContext context, Map<String, Object> config) {
        super(context, config, environment -> new SignalMechanism(environment.limits(), p -> stopBundle(context, p)));
    }

    private static void stopBundle(BundleContext context, IpcProcess process) {
        if (process.kind() != ProcessKind.BUNDLE) {
            LOG.info("{} is not a bundle: the default action is not taken", process);
            return;
        }
        Thread stopper = new Thread(() -> {
            Bundle bundle = context.getBundle(process.id());
            if (bundle == null) {
                return;
            }
            try {
                bundle.stop();
            } catch (BundleException | IllegalStateException | SecurityException e) {
                LOG.error("cannot stop {} after an unhandled signal", process, e);
            }
        }, STOPPER_PREFIX + process.id());
        stopper.setDaemon(true);
        stopper.start();
    }
}
