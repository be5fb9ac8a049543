package org.multios.ipc.console.internal;

import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SyncService;

/**
 * A short measurement of each installed mechanism, on the calling thread, on anonymous or
 * temporary objects that it removes afterwards: a first look at this machine's figures, not a
 * benchmark (see ipc.bench for those).
 */
final class ConsoleBench {
    private static final long BUDGET_NANOS = 500_000_000L;

    private final SharedMemoryService shm;
    private final SyncService sync;
    private final EventService events;
    private final MessageQueueService queues;
    private long blackhole;
    private final Table table = new Table(new String[] { "MECHANISM", "OPERATION", "OPS/S", "NS/OP" },
            new int[] { 12, 34, 14, 10 });

    ConsoleBench(SharedMemoryService shm, SyncService sync, EventService events, MessageQueueService queues) {
        this.shm = shm;
        this.sync = sync;
        this.events = events;
        this.queues = queues;
    }

    String run() {
        if (shm != null) {
            try (SharedMemory s = shm.createAnonymous(64 * 1024); Mapping m = s.map(MapAccess.READ_WRITE)) {
                byte[] block = new byte[64 * 1024];
                measure("shm", "write 64 KiB", () -> {
                    m.write(0, block, 0, block.length);
                    return 1;
                });
                measure("shm", "atomic getAndAdd", () -> m.getAndAddLong(0, 1));
            }
        }
        if (sync != null) {
            try (Semaphore s = sync.createSemaphore(0)) {
                measure("sync", "semaphore post + tryAcquire", () -> {
                    s.release();
                    return s.tryAcquire() ? 1 : 0;
                });
            }
        }
        if (events != null) {
            try (Event e = events.create(EventType.AUTO_RESET, Set.of())) {
                measure("event", "signal + tryAwait", () -> {
                    e.signal(1);
                    return e.tryAwait().orElse(0);
                });
            }
        }
        if (queues != null) {
            String name = "ipc-bench-" + UUID.randomUUID();
            try (MessageQueue q = queues.create(name, QueueOptions.of(64, 16))) {
                byte[] msg = new byte[64];
                byte[] buf = new byte[64];
                MessageInfo info = new MessageInfo();
                measure("queue", "trySend + tryReceive 64 B", () -> {
                    q.trySend(msg, 0, msg.length, 0);
                    return q.tryReceive(buf, 0, buf.length, info);
                });
            } finally {
                queues.unlink(name);
            }
        }
        return table.size() == 0 ? "no mechanism is running\n" : table.toString();
    }

    private void measure(String mechanism, String operation, LongSupplier op) {
        long sink = 0;
        for (int i = 0; i < 10_000; i++) {
            sink += op.getAsLong();
        }
        long ops = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 1000; i++) {
                sink += op.getAsLong();
            }
            ops += 1000;
            elapsed = System.nanoTime() - start;
        } while (elapsed < BUDGET_NANOS);
        table.row(mechanism, operation, String.format("%,d", ops * 1_000_000_000L / elapsed),
                String.format("%.1f", (double) elapsed / ops));
        blackhole ^= sink;
    }
}
