package org.multios.ipc.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildMain;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * A child JVM of {@link SyncSoakTest}: attaches through the plain-Java bootstrap (IPC root from
 * {@code org.multios.ipc.root}) and runs {@code threads} {@link SyncSoakWorker}s (slots
 * {@code firstSlot ..}), each on handles and a mapping of its own, for {@code millis} ms.
 *
 * <pre>
 * mutex     &lt;mutex&gt; &lt;segment&gt; &lt;firstSlot&gt; &lt;threads&gt; &lt;millis&gt;
 * semaphore &lt;semaphore&gt; &lt;segment&gt; &lt;firstSlot&gt; &lt;threads&gt; &lt;millis&gt; &lt;permits&gt;
 * </pre>
 */
public final class SyncSoakChildMain {
    private SyncSoakChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runAnnounced(args, SyncSoakChildMain::run);
    }

    private static void run(String[] args) throws InterruptedException {
        boolean onMutex = args[0].equals("mutex");
        String object = args[1];
        String segmentName = args[2];
        int firstSlot = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        long millis = Long.parseLong(args[5]);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try (IpcContext ipc = LocalPlatform.open(IpcEnvironment.defaults(),
                List.of(new SyncFactories.Sync(), new SharedMemoryFactory()));
                SharedMemory segment = ipc.service(SharedMemoryService.class).open(segmentName)) {
            SyncService sync = ipc.service(SyncService.class);
            List<Thread> workers = new ArrayList<>();
            List<Mapping> mappings = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                Mapping m = segment.map(MapAccess.READ_WRITE);
                mappings.add(m);
                int slot = firstSlot + t;
                SyncSoakWorker worker = onMutex ? SyncSoakWorker.onMutex(sync.openMutex(object), m, slot, deadline)
                        : SyncSoakWorker.onSemaphore(sync.openSemaphore(object), Integer.parseInt(args[6]), m, slot,
                                deadline);
                Thread w = new Thread(worker, "sync-soak-" + slot);
                w.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(millis + TimeUnit.SECONDS.toMillis(120));
                if (w.isAlive()) {
                    throw new IllegalStateException(w.getName() + " did not end");
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a worker failed", failures.get(0));
            }
            mappings.forEach(Mapping::close);
        }
    }
}
