package org.multios.ipc.spi;

import java.util.List;
import java.util.Map;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.BundleContext;

/**
 * Base of a mechanism's OSGi component: the component builds its plain-Java provider from its
 * configuration and {@link #publish publishes} itself as the {@link MechanismProvider} (a
 * service factory that serves trusted bundles only: {@link ProviderRegistration}), delegating
 * every call.
 *
 * <pre>{@code
 * @Component(service = {}, immediate = true, configurationPid = PlatformConfiguration.LIMITS_PID)
 * @IpcMechanism("shm")
 * public final class SharedMemoryComponent extends DelegatingProvider<SharedMemoryService> {
 *     @Activate
 *     public SharedMemoryComponent(BundleContext context, Map<String, Object> properties) {
 *         super(new SharedMemoryMechanism(...));
 *         publish(context, properties);
 *     }
 *     @Deactivate
 *     void deactivate() {
 *         withdraw();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * @param <S> the API service type
 */
@ConsumerType
public abstract class DelegatingProvider<S> implements MechanismProvider<S> {
    private final MechanismProvider<S> delegate;
    private volatile ProviderRegistration registration;

    /** Delegates to the given provider. */
    protected DelegatingProvider(MechanismProvider<S> delegate) {
        this.delegate = delegate;
    }

    /**
     * Registers this provider for trusted bundles only, under the mechanism name of the component
     * property {@value IpcMechanism#KEY} (which {@link IpcMechanism} sets); the last step of the
     * activation.
     */
    protected final void publish(BundleContext context, Map<String, ?> componentProperties) {
        registration = ProviderRegistration.register(context, this, (String) componentProperties.get(IpcMechanism.KEY));
    }

    /** Withdraws what {@link #publish} registered; the first step of the deactivation. */
    protected final void withdraw() {
        ProviderRegistration r = registration;
        if (r != null) {
            r.close();
        }
    }

    /** The provider calls go to. */
    protected MechanismProvider<S> delegate() {
        return delegate;
    }

    @Override
    public Class<S> apiType() {
        return delegate.apiType();
    }

    @Override
    public S bind(CallerContext caller) {
        return delegate.bind(caller);
    }

    @Override
    public void release(CallerContext caller) {
        delegate.release(caller);
    }

    @Override
    public void releasing() {
        delegate.releasing();
    }

    @Override
    public List<ObjectInfo> objects() {
        return delegate.objects();
    }

    @Override
    public int connectionCount() {
        return delegate.connectionCount();
    }

    @Override
    public List<ObjectInfo> collectStale() {
        return delegate.collectStale();
    }

    @Override
    public StaleCollection collectStaleObjects() {
        return delegate.collectStaleObjects();
    }
}
