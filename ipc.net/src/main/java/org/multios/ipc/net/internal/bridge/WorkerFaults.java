package org.multios.ipc.net.internal.bridge;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedFault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an Error that reaches a bridge worker becomes, so that no worker thread dies and no peer
 * waits for an answer that never comes. A fault in an access to a mapping
 * ({@link MappedFault#isMappedAccessFault}: another process truncated the exported object's file)
 * can surface in the worker after the handle's operation returned, past the handle's own fault
 * rule: on Java 17 HotSpot throws it at the thread's next call into the VM, anywhere in the
 * bridge's code. The only mapping a worker of a connection touches is that of the connection's
 * handle, so the handle is the affected one: it is closed and the connection answers CORRUPTED
 * from then on. Any other Error is logged and answered IO_ERROR.
 */
final class WorkerFaults {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerFaults.class);

    /** Why the connection's handle closed at a late mapping fault; null while it did not. */
    private volatile IpcException corrupted;

    /**
     * The error to answer the request with; a mapping fault also marks the handle CORRUPTED for
     * every later request.
     *
     * @param handle how messages name the handle: {@code queue 'jobs' (the handle of bridge ... for ...)}
     */
    IpcException caught(Error e, String handle) {
        if (!MappedFault.isMappedAccessFault(e)) {
            LOG.error("{}: a bridge worker caught {}", handle, e.toString(), e);
            return new IpcException(IpcError.IO_ERROR, handle + ": the bridge failed to serve the request: " + e);
        }
        IpcException c = new IpcException(IpcError.CORRUPTED, handle + ": a fault in an access to its mapping "
                + "surfaced after the operation returned (its file was truncated or removed by another process); "
                + "the handle is closed", e);
        if (corrupted == null) {
            corrupted = c;
            LOG.warn("{}", c.getMessage());
        }
        return c;
    }

    /** Whether the handle closed at a late mapping fault. */
    boolean isCorrupted() {
        return corrupted != null;
    }

    /** @throws IpcException CORRUPTED once the handle closed at a late mapping fault */
    void check() {
        IpcException c = corrupted;
        if (c != null) {
            throw new IpcException(IpcError.CORRUPTED, c.getMessage(), c);
        }
    }
}
