package org.multios.ipc.sync.internal;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/** A caller that holds its access decisions at step 1 of a {@link StepPause}, past the session's entry. */
final class PausingCaller implements CallerContext {
    private final RecordingCaller delegate;
    private final StepPause pause;

    PausingCaller(RecordingCaller delegate, StepPause pause) {
        this.delegate = delegate;
        this.pause = pause;
    }

    @Override
    public IpcProcess process() {
        return delegate.process();
    }

    @Override
    public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
        pause.accept(1);
        return delegate.authorize(type, name, permissions, requested);
    }

    @Override
    public void reserve(Quota quota, long amount) {
        delegate.reserve(quota, amount);
    }

    @Override
    public void release(Quota quota, long amount) {
        delegate.release(quota, amount);
    }

    @Override
    public void denied(ObjectType type, String name, String operation) {
        delegate.denied(type, name, operation);
    }
}
