package org.multios.ipc.spi;

import java.util.Map;
import java.util.function.Function;

import org.multios.ipc.IpcEnvironment;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Base of the OSGi component of a mechanism configured by the platform's configurations
 * ({@value PlatformConfiguration#LIMITS_PID}, and {@value PlatformConfiguration#WAIT_PID} where
 * the component names it): activation makes the mechanism in the environment of the framework
 * property {@value IpcEnvironment#ROOT_PROPERTY} and the limits, configures it and publishes it;
 * a changed configuration applies to later operations; deactivation withdraws the service, then
 * closes the mechanism (every waiter wakes with CLOSED). The subclass is the component: its
 * {@code @Component}, {@code @IpcMechanism} and {@code @Activate} constructor; the lifecycle
 * methods here are found by bnd's {@code -dsannotations-options: inherit}.
 *
 * @param <S> the API service type
 * @param <M> the mechanism
 */
@ConsumerType
public abstract class MechanismComponent<S, M extends ConfigurableMechanism<S>> extends DelegatingProvider<S> {
    private final M mechanism;
    private final String root;

    /** Makes the mechanism with {@code create}, configures and publishes it. */
    protected MechanismComponent(BundleContext context, Map<String, Object> config,
            Function<IpcEnvironment, M> create) {
        this(context.getProperty(IpcEnvironment.ROOT_PROPERTY), context, config, create);
    }

    private MechanismComponent(String root, BundleContext context, Map<String, Object> config,
            Function<IpcEnvironment, M> create) {
        this(create.apply(PlatformConfiguration.environment(root, config)), root, context, config);
    }

    private MechanismComponent(M mechanism, String root, BundleContext context, Map<String, Object> config) {
        super(mechanism);
        this.mechanism = mechanism;
        this.root = root;
        mechanism.configure(config);
        publish(context, config);
    }

    /** The mechanism this component runs. */
    protected final M mechanism() {
        return mechanism;
    }

    /** Applies a changed configuration (limits, default wait strategy) to later operations. */
    @Modified
    protected void modified(Map<String, Object> config) {
        mechanism.environment(PlatformConfiguration.environment(root, config));
        mechanism.configure(config);
    }

    /** Withdraws the service, then closes the mechanism. */
    @Deactivate
    protected void deactivate() {
        withdraw();
        mechanism.close();
    }
}
