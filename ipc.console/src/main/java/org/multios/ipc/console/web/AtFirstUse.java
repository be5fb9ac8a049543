package org.multios.ipc.console.web;

import java.util.function.Supplier;

import org.osgi.service.component.ComponentServiceObjects;

/**
 * A service the component takes at its first use rather than when SCR binds the reference: the
 * reference is bound as {@link ComponentServiceObjects}, which gets nothing, and the service
 * object is got at the first {@link #get} and kept while that binding lasts. SCR ungets it when
 * the reference is unbound or the component deactivated. So binding every mechanism's API service
 * makes none of them: a mechanism is made by the first command that uses it.
 *
 * @param <S> the service type
 */
public final class AtFirstUse<S> implements Supplier<S> {
    private final Supplier<ComponentServiceObjects<S>> reference;
    private volatile Taken<S> taken;

    private record Taken<S>(ComponentServiceObjects<S> from, S service) {
    }

    /** The service of the reference the supplier reads (null while unbound). */
    public AtFirstUse(Supplier<ComponentServiceObjects<S>> reference) {
        this.reference = reference;
    }

    /** The service, got now if this binding has not given it yet; null while unbound or gone. */
    @Override
    public S get() {
        ComponentServiceObjects<S> now = reference.get();
        if (now == null) {
            return null;
        }
        Taken<S> t = taken;
        return t != null && t.from() == now ? t.service() : take(now);
    }

    private synchronized S take(ComponentServiceObjects<S> now) {
        Taken<S> t = taken;
        if (t != null && t.from() == now) {
            return t.service();
        }
        S service;
        try {
            service = now.getService();
        } catch (IllegalStateException unbound) {
            return null; // unbound meanwhile
        }
        if (service != null) {
            taken = new Taken<>(now, service); // SCR ungets an earlier binding's object itself
        }
        return service;
    }
}
