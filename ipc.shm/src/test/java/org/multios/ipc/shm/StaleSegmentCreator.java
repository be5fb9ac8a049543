package org.multios.ipc.shm;

import java.nio.file.Path;
import java.util.List;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildMain;
import org.multios.ipc.spi.LocalPlatform;

/**
 * Run in a child JVM by {@link CollectStaleTest}: creates the named segments under the given
 * root, writes a marker into each and exits, leaving them behind with a dead creator.
 *
 * <p>Arguments: the IPC root, then the names.
 */
public final class StaleSegmentCreator {
    private StaleSegmentCreator() {
    }

    public static void main(String[] args) {
        ChildMain.run(args, StaleSegmentCreator::create);
    }

    private static void create(String[] args) {
        try (IpcContext ipc = LocalPlatform.open(new IpcEnvironment(Path.of(args[0]), IpcLimits.defaults()),
                List.of(new SharedMemoryFactory()))) {
            SharedMemoryService service = ipc.service(SharedMemoryService.class);
            for (int i = 1; i < args.length; i++) {
                service.create(args[i], 4096, 0600).write(0, new byte[] { 'l', 'e', 'f', 't' });
            }
        }
        System.out.println("created");
    }
}
