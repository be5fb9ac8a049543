package org.multios.ipc.spi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Base of the OSGi component of a mechanism configured by the platform's configurations
 * ({@value PlatformConfiguration#LIMITS_PID}, and {@value PlatformConfiguration#WAIT_PID} where
 * the component names it): activation publishes the provider; the mechanism itself, in the
 * environment of the framework property {@value IpcEnvironment#ROOT_PROPERTY} and the limits, is
 * made and configured at its first use (the first caller bound, or the first look at its objects
 * or stale objects), so that a gateway does not make mechanisms nobody uses at its start (nor
 * their threads, JVM signal handlers or selectors). Every
 * call still reaches it only through ipc.security, which is the provider's one user. A changed
 * configuration applies to later operations; deactivation withdraws the service, then closes the
 * mechanism if it was made (every waiter wakes with CLOSED). The subclass is the component: its
 * {@code @Component}, {@code @IpcMechanism} and {@code @Activate} constructor, naming the API
 * service type and the mechanism as the type arguments; the lifecycle methods here are found by
 * bnd's {@code -dsannotations-options: inherit}.
 *
 * @param <S> the API service type
 * @param <M> the mechanism
 */
@ConsumerType
public abstract class MechanismComponent<S, M extends ConfigurableMechanism<S>> extends DelegatingProvider<S> {
    private final Function<IpcEnvironment, M> create;
    private final String root;
    private final Class<S> apiType;
    /** Set once, under {@code this}, by {@link #mechanism()}. */
    private volatile M mechanism;
    /** The configuration read last; guarded by {@code this}. */
    private Map<String, Object> config;
    /** Guarded by {@code this}. */
    private boolean closed;

    /** Publishes the provider of the mechanism that {@code create} makes at its first use. */
    protected MechanismComponent(BundleContext context, Map<String, Object> config,
            Function<IpcEnvironment, M> create) {
        super(null); // every call is overridden below to go to the mechanism made at first use
        this.create = create;
        this.root = context.getProperty(IpcEnvironment.ROOT_PROPERTY);
        this.config = config;
        this.apiType = declaredApiType();
        publish(context, config);
    }

    /**
     * The mechanism this component runs, made and configured now if this is its first use.
     *
     * @throws org.multios.ipc.IpcException UNAVAILABLE once the component was deactivated and
     *         the mechanism never made
     */
    protected final M mechanism() {
        M m = mechanism;
        return m != null ? m : make();
    }

    private synchronized M make() {
        M m = mechanism;
        if (m == null) {
            if (closed) {
                throw new IpcException(IpcError.UNAVAILABLE,
                        "the " + getClass().getSimpleName() + " mechanism has stopped");
            }
            m = create.apply(PlatformConfiguration.environment(root, config));
            m.configure(config);
            mechanism = m;
        }
        return m;
    }

    /**
     * Runs {@code action} on the mechanism if it was made, else does nothing (a mechanism made
     * later reads what it needs then); never concurrently with its making, so that a change the
     * subclass applies this way is never lost between the two.
     */
    protected final synchronized void ifMade(Consumer<? super M> action) {
        M m = mechanism;
        if (m != null) {
            action.accept(m);
        }
    }

    /** Applies a changed configuration (limits, default wait strategy) to later operations. */
    @Modified
    protected synchronized void modified(Map<String, Object> config) {
        this.config = config;
        M m = mechanism;
        if (m != null) {
            m.environment(PlatformConfiguration.environment(root, config));
            m.configure(config);
        }
    }

    /** Withdraws the service, then closes the mechanism if it was made. */
    @Deactivate
    protected void deactivate() {
        withdraw();
        M m;
        synchronized (this) {
            closed = true;
            m = mechanism;
        }
        if (m != null) {
            m.close();
        }
    }

    @Override
    protected MechanismProvider<S> delegate() {
        return mechanism();
    }

    /** The API type of the type argument, without making the mechanism where the subclass names it. */
    @Override
    public Class<S> apiType() {
        return apiType != null ? apiType : mechanism().apiType();
    }

    @Override
    public S bind(CallerContext caller) {
        return mechanism().bind(caller);
    }

    /** Nothing to release where the mechanism was never made: no caller was bound. */
    @Override
    public void release(CallerContext caller) {
        M m = mechanism;
        if (m != null) {
            m.release(caller);
        }
    }

    @Override
    public void releasing() {
        M m = mechanism;
        if (m != null) {
            m.releasing();
        }
    }

    /** Makes the mechanism: named objects of earlier runs are found in the IPC root. */
    @Override
    public List<ObjectInfo> objects() {
        return mechanism().objects();
    }

    @Override
    public int connectionCount() {
        M m = mechanism;
        return m == null ? 0 : m.connectionCount();
    }

    @Override
    public List<ObjectInfo> collectStale() {
        return mechanism().collectStale();
    }

    @Override
    public StaleCollection collectStaleObjects() {
        return mechanism().collectStaleObjects();
    }

    @SuppressWarnings("unchecked")
    private Class<S> declaredApiType() {
        for (Class<?> c = getClass(); c.getSuperclass() != null; c = c.getSuperclass()) {
            Type t = c.getGenericSuperclass();
            if (t instanceof ParameterizedType p && p.getRawType() == MechanismComponent.class) {
                return p.getActualTypeArguments()[0] instanceof Class<?> api ? (Class<S>) api : null;
            }
        }
        return null;
    }
}
