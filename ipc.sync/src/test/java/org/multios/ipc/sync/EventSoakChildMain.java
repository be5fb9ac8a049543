package org.multios.ipc.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.event.EventService;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildMain;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * A child JVM of {@link EventSoakTest}: attaches through the plain-Java bootstrap (IPC root from
 * {@code org.multios.ipc.root}) and runs one signaller and {@code waiters} waiters
 * ({@link EventSoakWorker}), each on handles and a mapping of its own.
 *
 * <pre>
 * &lt;event&gt; &lt;quiet event&gt; &lt;segment&gt; &lt;signaller&gt; &lt;signaller slot&gt;
 *     &lt;waiters&gt; &lt;millis&gt;
 * </pre>
 * The waiters take the slots after the signaller's.
 */
public final class EventSoakChildMain {
    private EventSoakChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runAnnounced(args, EventSoakChildMain::run);
    }

    private static void run(String[] args) throws InterruptedException {
        String event = args[0];
        String quiet = args[1];
        int signaller = Integer.parseInt(args[3]);
        int slot = Integer.parseInt(args[4]);
        int waiters = Integer.parseInt(args[5]);
        long millis = Long.parseLong(args[6]);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try (IpcContext ipc = LocalPlatform.open(IpcEnvironment.defaults(),
                List.of(new SyncFactories.Events(), new SharedMemoryFactory()));
                SharedMemory segment = ipc.service(SharedMemoryService.class).open(args[2])) {
            EventService events = ipc.service(EventService.class);
            List<Thread> threads = new ArrayList<>();
            List<Mapping> mappings = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t <= waiters; t++) {
                Mapping m = segment.map(MapAccess.READ_WRITE);
                mappings.add(m);
                EventSoakWorker w = t == 0
                        ? EventSoakWorker.signaller(events.open(event), m, slot, signaller, deadline)
                        : EventSoakWorker.waiter(events.open(event), events, events.open(quiet), m, slot + t);
                Thread thread = new Thread(w, "event-soak-" + (slot + t));
                thread.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                threads.add(thread);
                thread.start();
            }
            for (Thread t : threads) {
                t.join(millis + TimeUnit.SECONDS.toMillis(120));
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " did not end");
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a worker failed", failures.get(0));
            }
            mappings.forEach(Mapping::close);
        }
    }
}
