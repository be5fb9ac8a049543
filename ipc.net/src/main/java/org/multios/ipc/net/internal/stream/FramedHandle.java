package org.multios.ipc.net.internal.stream;

import java.util.Objects;

import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.SessionGate;

/**
 * A handle whose frames cross a {@link FramedSocket}: the {@link GuardedHandle} rules, its
 * owner's close action, and the {@link TransferGate} that lets each frame through in a step of the
 * handle's grant.
 */
public abstract class FramedHandle extends GuardedHandle implements ClosingHandle {
    private static final Runnable NOTHING = () -> {
    };

    private final Object closeLock = new Object();
    private Runnable onClose = NOTHING;

    /**
     * @param caller  the process that holds the handle
     * @param session the caller's session of the mechanism: the handle closes with it
     * @param grant   the rights the handle was granted (registered for revocation)
     */
    protected FramedHandle(CallerContext caller, SessionGate session, Grant grant) {
        super(caller, session, grant);
    }

    /**
     * Runs {@code action} once when the handle closes (at once if it is closed already); it
     * replaces any action given before.
     */
    @Override
    public final void onClose(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (closeLock) {
            if (!isClosed()) {
                onClose = action;
                return;
            }
        }
        action.run();
    }

    /**
     * Closes the handle once: the first call marks it closed, runs {@code release} (frees what the
     * handle holds: its socket, its connections), then the owner's close action; later calls do
     * nothing.
     */
    protected final void closeOnce(Runnable release) {
        if (markClosed()) {
            release.run();
            runCloseAction();
        }
    }

    /** Runs the owner's close action: for the one {@link #markClosed()} that returned true. */
    protected final void runCloseAction() {
        Runnable action;
        synchronized (closeLock) {
            action = onClose;
            onClose = NOTHING;
        }
        action.run();
    }

    /** The gate of the transfers that need {@code right}; refusals name {@code operation}. */
    protected final TransferGate gate(int right, String operation) {
        return new TransferGate() {
            @Override
            public void check() {
                require(right, operation);
            }

            @Override
            public int enter() {
                return enterStep(right, operation);
            }

            @Override
            public void exit(int token) {
                exitStep(token);
            }
        };
    }
}
