package org.multios.ipc.sync.internal;

import java.util.function.IntConsumer;

import org.multios.ipc.sync.Mutex;

/** Test access to a mutex handle's hook, which pauses or reports a thread inside a window. */
public final class MutexTestHooks {
    /** The lock word was just set to the locking thread; the rest of its record is not written yet. */
    public static final int ACQUIRED = MutexHandle.STEP_ACQUIRED;
    /** A waiter read the owner word it is about to judge. */
    public static final int OWNER_READ = MutexHandle.STEP_OWNER_READ;
    /** A waiter judged the owner (and took over if it found it dead). */
    public static final int OWNER_JUDGED = MutexHandle.STEP_OWNER_JUDGED;

    private MutexTestHooks() {
    }

    /** Calls {@code hook} with each step of locking through this handle (of this platform). */
    public static void install(Mutex handle, IntConsumer hook) {
        ((MutexHandle) handle).hook(hook::accept);
    }
}
