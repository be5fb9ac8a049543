package org.multios.ipc.sync.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.event.EventService;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.sync.SyncService;

/**
 * The sync and event mechanisms on a root of the test's own, made at first use and closed
 * after each test, and the caller who creates the objects that another caller waits on.
 */
abstract class TwoCallersSupport {
    @TempDir
    Path root;

    /** The caller who creates the objects. */
    final RecordingCaller peer = RecordingCaller.osUser(2);

    private SyncMechanism sync;
    private EventMechanism events;

    SyncService sync(RecordingCaller caller) {
        if (sync == null) {
            sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return sync.bind(caller);
    }

    EventService events(RecordingCaller caller) {
        if (events == null) {
            events = new EventMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return events.bind(caller);
    }

    /** The sync mechanism made by {@link #sync(RecordingCaller)}. */
    SyncMechanism syncMechanism() {
        return sync;
    }

    /** The event mechanism made by {@link #events(RecordingCaller)}. */
    EventMechanism eventMechanism() {
        return events;
    }

    @AfterEach
    void closeMechanisms() {
        if (sync != null) {
            sync.close();
        }
        if (events != null) {
            events.close();
        }
    }
}
