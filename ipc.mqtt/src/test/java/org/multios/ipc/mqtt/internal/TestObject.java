package org.multios.ipc.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;

/**
 * A bridged object for tests without IPC objects: it records what it takes while open and refuses
 * (by default: times out) while closed.
 */
final class TestObject implements BridgedObject {
    final List<String> taken = new ArrayList<>();
    volatile boolean open = true;
    volatile IpcError refusal = IpcError.TIMEOUT;
    volatile boolean lateFault;
    private int refused;

    synchronized void open() {
        open = true;
        notifyAll();
    }

    synchronized void awaitRefused(int n) throws InterruptedException {
        while (refused < n) {
            wait();
        }
    }

    synchronized void awaitTaken(int n) throws InterruptedException {
        while (taken.size() < n) {
            wait();
        }
    }

    @Override
    public synchronized void deliver(byte[] payload, int priority, Duration timeout) {
        if (!open) {
            try {
                wait(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!open) {
                refused++;
                notifyAll();
                throw new IpcException(refusal, "gate: full");
            }
        }
        taken.add(new String(payload, StandardCharsets.UTF_8));
        notifyAll();
        if (lateFault) {
            lateFault = false;
            throw new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code");
        }
    }

    @Override
    public int take(byte[] buf, MessageInfo info) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int drain(MessageHandler handler, int max) {
        return 0;
    }

    @Override
    public void close() {
    }
}
