package org.multios.ipc.shm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;

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
        try {
            System.out.println("child " + ProcessHandle.current().pid() + " runs " + String.join(" ", args));
            System.out.flush();
            run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            System.out.println("done");
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            System.exit(1);
        }
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
