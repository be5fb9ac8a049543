package org.multios.ipc.sync;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.spi.ChildMain;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Run in a child JVM by {@code org.multios.ipc.sync.internal.CollectStaleSyncTest}: creates a named semaphore, mutex, condition
 * and event of each given name under the given root and exits, leaving them behind with a dead
 * creator.
 *
 * <p>Arguments: the IPC root, then the names.
 */
public final class StaleSyncCreator {
    private StaleSyncCreator() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, StaleSyncCreator::create);
    }

    private static void create(String[] args) {
        try (IpcContext ipc = LocalPlatform.open(new IpcEnvironment(Path.of(args[0]), IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events()))) {
            SyncService sync = ipc.service(SyncService.class);
            EventService events = ipc.service(EventService.class);
            for (int i = 1; i < args.length; i++) {
                sync.createSemaphore(args[i], SemaphoreOptions.of(1), 0600);
                sync.createMutex(args[i], MutexOptions.DEFAULT, 0600);
                sync.createCondition(args[i], 0600);
                events.create(args[i], EventType.AUTO_RESET, Set.of(), 0600);
            }
        }
        System.out.println("created");
    }
}
