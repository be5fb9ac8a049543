package org.multios.ipc.spi;

import java.util.List;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a mechanism bundle registers (with the {@link IpcMechanism} service property): the
 * factory of caller-bound API services. Implemented by mechanisms, used by ipc.security and the
 * plain-Java bootstrap.
 *
 * @param <S> the API service type, for example {@code org.multios.ipc.queue.MessageQueueService}
 */
@ProviderType
public interface MechanismProvider<S> {
    /** The API service type this mechanism implements. */
    Class<S> apiType();

    /**
     * The API service for one calling process. Every handle it opens belongs to that caller;
     * access to objects is decided through {@link CallerContext#authorize}.
     */
    S bind(CallerContext caller);

    /**
     * The caller is gone (its bundle stopped or released the service, or its bootstrap closed):
     * close its handles and anonymous objects, release its locks and wake its waiters with
     * CLOSED. Named objects stay.
     */
    void release(CallerContext caller);

    /**
     * Every caller is about to be released at once: the API service is being withdrawn (the
     * mechanism or ipc.security is stopping). Mechanisms mark every caller's handles closed
     * first, so that no waiter takes a lock a departing caller lets go of: all of them wake
     * with CLOSED.
     */
    default void releasing() {
    }

    /** Snapshots of every live object of this mechanism. */
    List<ObjectInfo> objects();

    /** Open handles and connections on this mechanism's objects. */
    int connectionCount();

    /**
     * Removes named objects whose creating process is dead and that no process uses, and
     * returns what it removed. Mechanisms without such objects return an empty list.
     */
    default List<ObjectInfo> collectStale() {
        return List.of();
    }

    /**
     * {@link #collectStale()}, saying also what it kept only because a process that might hold
     * it could not be read ({@link StaleCollection}).
     *
     * @since 3.4
     */
    default StaleCollection collectStaleObjects() {
        return StaleCollection.removing(collectStale());
    }
}
