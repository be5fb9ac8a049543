package org.multios.ipc.net.internal.stream;

import org.multios.ipc.IpcObject;

/** A handle that tells its owner when it closes, so that the owner can forget it. */
public interface ClosingHandle extends IpcObject {
    /** Runs {@code action} once, when the handle closes. */
    void onClose(Runnable action);
}
