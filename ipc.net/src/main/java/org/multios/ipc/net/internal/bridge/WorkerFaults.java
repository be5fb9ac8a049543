package org.multios.ipc.net.internal.bridge;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessagePort;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.spi.GuardedHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an Error that reaches a bridge worker becomes, so that no worker thread dies and no peer
 * waits for an answer that never comes. A fault in an access to a mapping
 * ({@link MappedFault#isMappedAccessFault}: another process truncated the exported object's file)
 * can surface in the worker after the handle's operation returned, past the handle's own fault
 * rule: on Java 17 HotSpot throws it at the thread's next call into the VM, anywhere in the
 * bridge's code. Workers are shared by every connection of a bridge server, so the fault may be
 * another connection's: the connection's handle decides ({@link GuardedHandle#ownFault}, the
 * handle's own rule, which compares its mapping with its file). If it is the handle's, the
 * handle is closed and the connection answers CORRUPTED from then on; if not, the request is
 * answered IO_ERROR and the handle stays open (the handle whose file was truncated fails with
 * CORRUPTED at its own next access). Any other Error is logged and answered IO_ERROR.
 */
final class WorkerFaults {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerFaults.class);

    /** Why the connection's handle closed at a late mapping fault; null while it did not. */
    private volatile IpcException corrupted;

    /**
     * The error to answer the request with; a fault of the handle's own mapping also marks the
     * handle CORRUPTED for every later request.
     *
     * @param handle how messages name the handle: {@code queue 'jobs' (the handle of bridge ... for ...)}
     * @param port   the connection's handle, null before OPEN
     */
    IpcException caught(Error e, String handle, MessagePort port) {
        if (!MappedFault.isMappedAccessFault(e)) {
            LOG.error("{}: a bridge worker caught {}", handle, e.toString(), e);
            return new IpcException(IpcError.IO_ERROR, handle + ": the bridge failed to serve the request: " + e);
        }
        IpcException own = port instanceof GuardedHandle g ? g.ownFault(e) : null;
        if (own == null) {
            LOG.warn("{}: a fault of another object's mapping surfaced while serving a request", handle);
            return new IpcException(IpcError.IO_ERROR, handle + ": a fault of another object's mapping (its file "
                    + "truncated by another process) surfaced while the request was served; the request may not "
                    + "have been carried out", e);
        }
        IpcException c = new IpcException(IpcError.CORRUPTED, handle + ": a fault in an access to its mapping "
                + "surfaced after the operation returned (its file was truncated or removed by another process); "
                + "the handle is closed", own);
        if (corrupted == null) {
            corrupted = c;
            LOG.warn("{}", c.getMessage());
        }
        return c;
    }

    /**
     * Runs a pool worker's loop. A late mapping fault can also surface in the pool's own code
     * between two tasks, past every task's catch; the pool has then already replaced the worker,
     * so the thread ends quietly instead of with an Error. Other Errors end it as they would.
     */
    static void runSurvivingLateFaults(Runnable worker) {
        try {
            worker.run();
        } catch (Error e) {
            if (!MappedFault.isMappedAccessFault(e)) {
                throw e;
            }
            LOG.warn("a fault of a mapping surfaced in a bridge worker between requests; the pool replaced it");
        }
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
