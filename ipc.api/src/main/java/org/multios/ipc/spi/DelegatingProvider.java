package org.multios.ipc.spi;

import java.util.List;

import org.multios.ipc.ObjectInfo;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Base of a mechanism's OSGi component: the component builds its plain-Java provider from its
 * configuration and registers itself as the {@link MechanismProvider}, delegating every call.
 *
 * <pre>{@code
 * @Component(service = MechanismProvider.class, immediate = true, configurationPid = "org.multios.ipc.limits")
 * @IpcMechanism("shm")
 * public final class SharedMemoryComponent extends DelegatingProvider<SharedMemoryService> { ... }
 * }</pre>
 *
 * @param <S> the API service type
 */
@ConsumerType
public abstract class DelegatingProvider<S> implements MechanismProvider<S> {
    private final MechanismProvider<S> delegate;

    /** Delegates to the given provider. */
    protected DelegatingProvider(MechanismProvider<S> delegate) {
        this.delegate = delegate;
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
}
