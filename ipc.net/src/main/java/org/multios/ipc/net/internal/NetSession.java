package org.multios.ipc.net.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.net.internal.stream.ClosingHandle;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * What one calling process holds in the network mechanism: listeners, connections, UDP
 * sockets and bridges. Closing the session closes them all; its {@link SessionGate} is the one
 * every handle's {@link org.multios.ipc.spi.GuardedHandle} tests, and the service refuses calls
 * once it is closed.
 */
final class NetSession {
    private final CallerContext caller;
    private final SessionGate gate;
    private final Set<IpcObject> handles = ConcurrentHashMap.newKeySet();

    NetSession(CallerContext caller) {
        this.caller = caller;
        this.gate = new SessionGate("the network service of " + caller.process());
    }

    CallerContext caller() {
        return caller;
    }

    SessionGate gate() {
        return gate;
    }

    /**
     * @throws IpcException CLOSED once the session is closed (the caller was released: its
     *         service object serves no more)
     */
    void checkOpen() {
        gate.run(() -> {
        });
    }

    /** Tracks a handle until it closes; a handle made while the session closes is closed at once. */
    <T extends ClosingHandle> T track(T handle) {
        handles.add(handle); // first: a handle closed already runs its close action at once
        handle.onClose(() -> handles.remove(handle));
        if (gate.isClosed()) {
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
        gate.close();
        for (IpcObject h : new ArrayList<>(handles)) {
            h.close();
        }
        handles.clear();
    }
}
