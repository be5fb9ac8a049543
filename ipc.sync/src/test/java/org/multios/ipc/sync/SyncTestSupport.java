package org.multios.ipc.sync;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/** Opens plain-Java IPC contexts (each acts as a separate process) on a fresh root. */
abstract class SyncTestSupport {
    @TempDir
    Path root;

    private final List<IpcContext> contexts = new ArrayList<>();

    IpcContext context() {
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events()));
        contexts.add(c);
        return c;
    }

    SyncService sync(IpcContext c) {
        return c.service(SyncService.class);
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(IpcContext::close);
    }
}
