package org.multios.ipc.net.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcObject;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.spi.CallerContext;

/**
 * What one calling process holds in the network mechanism: listeners, connections, UDP
 * sockets and bridges. Closing the session closes them all.
 */
final class NetSession {
    private final CallerContext caller;
    private final Set<IpcObject> handles = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    NetSession(CallerContext caller) {
        this.caller = caller;
    }

    CallerContext caller() {
        return caller;
    }

    /** Tracks a handle until it closes; a handle made while the session closes is closed at once. */
    <T extends ClosingHandle> T track(T handle) {
        handle.onClose(() -> handles.remove(handle));
        handles.add(handle);
        if (closed) {
            handle.close();
        }
        return handle;
    }

    List<ObjectInfo> infos() {
        List<ObjectInfo> all = new ArrayList<>();
        for (IpcObject h : handles) {
            all.add(h.info());
        }
        return all;
    }

    int size() {
        return handles.size();
    }

    void close() {
        closed = true;
        for (IpcObject h : new ArrayList<>(handles)) {
            h.close();
        }
        handles.clear();
    }
}
