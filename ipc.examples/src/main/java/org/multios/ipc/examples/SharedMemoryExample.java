package org.multios.ipc.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Shared-memory producer and consumer (the original
 * {@code example_shared_memory_producer_consumer}): a named segment holds a ring of eight
 * slots and a counter; two named semaphores count the free and the filled slots. The producer
 * opens everything by name, as another process would, and the consumer sums what it reads.
 *
 * <pre>
 * offset 0   long  produced   values written so far (atomic add)
 * offset 64  long  slot[0..7] the ring
 * </pre>
 */
public final class SharedMemoryExample implements Example {
    static final int VALUES = 20;
    private static final int SLOTS = 8;
    private static final long PRODUCED = 0;
    private static final long RING = 64;
    private static final long SIZE = RING + SLOTS * Long.BYTES;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "shared-memory";
    }

    @Override
    public String describe() {
        return "producer/consumer through a ring in a shared segment, paced by two semaphores";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        SharedMemoryService shm = services.sharedMemory();
        SyncService sync = services.sync();
        String name = Names.unique("ring");
        SharedMemory segment = shm.create(name, SIZE, 0600);
        Semaphore free = sync.createSemaphore(name + "-free", SemaphoreOptions.of(SLOTS), 0600);
        Semaphore filled = sync.createSemaphore(name + "-filled", SemaphoreOptions.of(0), 0600);
        try (segment; free; filled; Mapping ring = segment.map(MapAccess.READ_WRITE);
                Background threads = new Background(name())) {
            out.println("segment '" + name + "': " + SIZE + " bytes, a ring of " + SLOTS + " slots");
            out.println("semaphores '" + name + "-free' = " + free.value() + ", '" + name + "-filled' = "
                    + filled.value());
            Future<?> producer = threads.start("producer", () -> produce(services, name));

            long sum = 0;
            for (int i = 0; i < VALUES; i++) {
                filled.acquire(WAIT); // wait for a value
                sum += ring.getLongAcquire(RING + (i % SLOTS) * Long.BYTES);
                free.release(); // give the slot back
            }
            producer.get(10, TimeUnit.SECONDS);
            out.println("producer: wrote the squares of 0.." + (VALUES - 1) + " into the ring");
            out.println("consumer: read " + VALUES + " values, sum " + sum);
            out.println("counter in the segment: produced=" + ring.getLongVolatile(PRODUCED));
        } finally {
            shm.unlink(name);
            sync.unlinkSemaphore(name + "-free");
            sync.unlinkSemaphore(name + "-filled");
        }
    }

    /** The producer: attaches to the segment and the semaphores by name and fills the ring. */
    private static Void produce(ExampleServices services, String name) {
        try (SharedMemory segment = services.sharedMemory().open(name);
                Mapping ring = segment.map(MapAccess.READ_WRITE);
                Semaphore free = services.sync().openSemaphore(name + "-free");
                Semaphore filled = services.sync().openSemaphore(name + "-filled")) {
            for (long i = 0; i < VALUES; i++) {
                free.acquire(WAIT); // wait for a free slot
                ring.putLongRelease(RING + (i % SLOTS) * Long.BYTES, i * i);
                ring.getAndAddLong(PRODUCED, 1);
                filled.release(); // tell the consumer
            }
        }
        return null;
    }
}
