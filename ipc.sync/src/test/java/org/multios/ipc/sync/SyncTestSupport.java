package org.multios.ipc.sync;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcObject;
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

    /**
     * Waits (at most 20 s) until {@code waits} calls on the object found it taken and began to wait
     * (its WAITS counter, in the shared file): "wait until the waiter waits", not a sleep.
     */
    static void awaitWaits(IpcObject object, long waits) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (object.info().statistics().get(Counter.WAITS) < waits) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(waits + " waits on " + object + " not begun within 20 s");
            }
            Thread.sleep(1);
        }
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(IpcContext::close);
    }
}
