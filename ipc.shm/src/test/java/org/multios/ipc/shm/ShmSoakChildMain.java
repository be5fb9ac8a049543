package org.multios.ipc.shm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.spi.ChildMain;

/**
 * A child JVM of {@link SharedMemorySoakTest}: attaches through {@link Ipc#open()} (IPC root
 * from {@code org.multios.ipc.root}), opens the named segment and runs {@code threads}
 * {@link ShmSoakWorker}s (slots {@code firstSlot ..}), each on a mapping of its own, for
 * {@code millis} ms.
 *
 * <pre>
 * hammer &lt;segment&gt; &lt;firstSlot&gt; &lt;threads&gt; &lt;millis&gt;
 * </pre>
 */
public final class ShmSoakChildMain {
    private ShmSoakChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runAnnounced(args,
                a -> run(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4])));
    }

    private static void run(String name, int firstSlot, int threads, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try (IpcContext ipc = Ipc.open(); SharedMemory segment = ipc.service(SharedMemoryService.class).open(name)) {
            List<Mapping> mappings = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                Mapping m = segment.map(MapAccess.READ_WRITE);
                mappings.add(m);
                Thread w = new Thread(new ShmSoakWorker(m, firstSlot + t, deadline), "shm-soak-" + (firstSlot + t));
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
