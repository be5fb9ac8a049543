package org.multios.ipc.core.mapped;

import java.util.function.Supplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * The one create rule of every named object (see the {@code org.multios.ipc} package
 * description): a create opens the object if it exists, after checking that its options match
 * the ones asked for, and creates it otherwise; an exclusive create demands a new one. An object
 * made or unlinked by another process between the open and the create is tried again, a few
 * times.
 */
public final class CreateRule {
    /** How often a create races another process's create or unlink before it gives up. */
    static final int ATTEMPTS = 8;

    private CreateRule() {
    }

    /**
     * Opens or creates an object.
     *
     * @param exclusive whether only a new object will do (then {@code open} is not called)
     * @param open      opens the existing object and checks its options (NOT_FOUND if there
     *                  is none; ALREADY_EXISTS from {@link #mismatch} if its options differ)
     * @param create    creates the object (ALREADY_EXISTS if the name is taken)
     * @throws IpcException ALREADY_EXISTS for an exclusive create of an existing name or an
     *                      existing object whose options differ; whatever open or create throw
     */
    public static <T> T openOrCreate(boolean exclusive, Supplier<T> open, Supplier<T> create) {
        for (int attempt = 1;; attempt++) {
            if (!exclusive) {
                try {
                    return open.get();
                } catch (IpcException e) {
                    if (e.error() != IpcError.NOT_FOUND || attempt >= ATTEMPTS) {
                        throw e;
                    }
                }
            }
            try {
                return create.get();
            } catch (IpcException e) {
                if (exclusive || e.error() != IpcError.ALREADY_EXISTS || attempt >= ATTEMPTS) {
                    throw e;
                }
                // made by another process since the open: open it
            }
        }
    }

    /**
     * ALREADY_EXISTS for an existing object whose option differs from the one a create asked
     * for, naming the object, the option and both values.
     *
     * @param what the object, for example {@code semaphore 'door'}
     */
    public static IpcException mismatch(String what, String option, Object existing, Object asked) {
        return new IpcException(IpcError.ALREADY_EXISTS, what + " exists with " + option + " " + existing
                + ", not " + asked + "; open it by name, or unlink it first");
    }
}
