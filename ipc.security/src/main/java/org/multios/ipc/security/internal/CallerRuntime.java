package org.multios.ipc.security.internal;

import java.util.List;
import java.util.Optional;

import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.local.RuntimeView;

/**
 * {@link IpcRuntime} as one bundle gets it: the full object listing and the collection of stale
 * objects (which unlinks them) need the platform's ADMIN right; without it a bundle lists the
 * objects it made or holds a right on, and {@link #collectStale} is PERMISSION_DENIED.
 */
record CallerRuntime(RuntimeView view, AdminGate gate) implements IpcRuntime {
    @Override
    public IpcProcess currentProcess() {
        return view.currentProcess();
    }

    @Override
    public List<IpcProcess> processes() {
        return view.processes();
    }

    @Override
    public int connectionCount() {
        return view.connectionCount();
    }

    @Override
    public List<ObjectInfo> objects() {
        return view.objects().stream().filter(gate.listing()).toList();
    }

    @Override
    public List<ObjectInfo> objects(ObjectType type) {
        return objects().stream().filter(o -> o.type() == type).toList();
    }

    @Override
    public Optional<ObjectInfo> object(ObjectType type, String name) {
        return objects(type).stream().filter(o -> o.name().filter(name::equals).isPresent()).findFirst();
    }

    @Override
    public IpcLimits limits() {
        return view.limits();
    }

    @Override
    public List<ObjectInfo> collectStale() {
        gate.require("collect stale objects of");
        return view.collectStale();
    }

    @Override
    public StaleCollection collectStaleObjects() {
        gate.require("collect stale objects of");
        return view.collectStaleObjects();
    }
}
