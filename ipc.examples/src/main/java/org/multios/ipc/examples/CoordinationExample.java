package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Complex coordination (the original {@code example_complex_coordination}): a producer hands
 * jobs to two workers through a named queue, a named semaphore keeps at most three jobs in
 * flight, the workers add their results to a counter in a shared segment and report each
 * result on a second queue, and each worker signals an event when it stops, which the producer
 * waits for with {@code waitAll}. Urgent jobs go at a higher priority; the stop messages go
 * last, at the lowest. The workers open every named object by name, as other processes would.
 */
public final class CoordinationExample implements Example {
    static final int JOBS = 10;
    static final int WORKERS = 2;
    static final int MAX_IN_FLIGHT = 3;
    private static final int URGENT = 20;
    private static final int NORMAL = 5;
    private static final int STOP = 0;
    private static final long TOTAL = 0; // long in the segment: sum of the results
    private static final long IN_FLIGHT = 8; // int in the segment: jobs submitted, not yet done
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "coordination";
    }

    @Override
    public String describe() {
        return "queues, a semaphore, shared memory and events together: a bounded worker pool";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        MessageQueueService queues = services.queues();
        SyncService sync = services.sync();
        SharedMemoryService shm = services.sharedMemory();
        EventService events = services.events();
        String base = Names.unique("work");
        MessageQueue jobs = queues.create(base + "-jobs", QueueOptions.of(16, 32).withMode(0600));
        MessageQueue results = queues.create(base + "-results", QueueOptions.of(32, 32).withMode(0600));
        Semaphore slots = sync.createSemaphore(base + "-slots", SemaphoreOptions.of(MAX_IN_FLIGHT), 0600);
        SharedMemory stats = shm.create(base + "-stats", 64, 0600);
        List<Event> stopped = new ArrayList<>();
        try (jobs; results; slots; stats; Mapping counters = stats.map(MapAccess.READ_WRITE);
                Background threads = new Background(name())) {
            out.println("objects '" + base + "-*': queues -jobs and -results, semaphore -slots = " + MAX_IN_FLIGHT
                    + ", segment -stats; " + WORKERS + " workers");
            for (int w = 1; w <= WORKERS; w++) {
                Event done = events.create(EventType.MANUAL_RESET, Set.of());
                stopped.add(done);
                threads.start("worker-" + w, () -> work(services, base, done));
            }

            int highest = 0;
            for (int job = 1; job <= JOBS; job++) {
                slots.acquire(WAIT); // at most MAX_IN_FLIGHT jobs submitted and not done
                highest = Math.max(highest, counters.getAndAddInt(IN_FLIGHT, 1) + 1);
                send(jobs, Integer.toString(job), job % 4 == 0 ? URGENT : NORMAL);
            }
            for (int w = 0; w < WORKERS; w++) {
                send(jobs, "", STOP); // received after every job: the lowest priority
            }
            out.println("producer: submitted " + JOBS + " jobs (every fourth urgent), then " + WORKERS + " stops");

            long sum = 0;
            byte[] buf = new byte[32];
            MessageInfo info = new MessageInfo();
            for (int i = 0; i < JOBS; i++) {
                int n = results.receive(buf, 0, buf.length, info, WAIT);
                sum += Long.parseLong(new String(buf, 0, n, UTF_8));
            }
            long[] done = events.waitAll(stopped, WAIT); // each worker signals its job count
            out.println("results: " + JOBS + " received, sum " + sum + "; counter in the segment: "
                    + counters.getLongVolatile(TOTAL));
            out.println("in flight: at most " + MAX_IN_FLIGHT + " allowed, " + highest + " seen");
            for (int w = 0; w < WORKERS; w++) {
                out.println("worker " + (w + 1) + " did " + done[w] + " jobs");
            }
        } finally {
            for (Event e : stopped) {
                e.close();
            }
            queues.unlink(base + "-jobs");
            queues.unlink(base + "-results");
            sync.unlinkSemaphore(base + "-slots");
            shm.unlink(base + "-stats");
        }
    }

    /** A worker: squares numbers until it receives an empty message, then signals its job count. */
    private static Void work(ExampleServices services, String base, Event done) {
        long count = 0;
        try (MessageQueue jobs = services.queues().open(base + "-jobs");
                MessageQueue results = services.queues().open(base + "-results");
                Semaphore slots = services.sync().openSemaphore(base + "-slots");
                SharedMemory stats = services.sharedMemory().open(base + "-stats");
                Mapping counters = stats.map(MapAccess.READ_WRITE)) {
            byte[] buf = new byte[16];
            MessageInfo info = new MessageInfo();
            int n;
            while ((n = jobs.receive(buf, 0, buf.length, info, WAIT)) > 0) {
                long job = Long.parseLong(new String(buf, 0, n, UTF_8));
                counters.getAndAddLong(TOTAL, job * job);
                send(results, Long.toString(job * job), info.priority());
                counters.getAndAddInt(IN_FLIGHT, -1);
                slots.release(); // room for the next job
                count++;
            }
        } finally {
            done.signal(count);
        }
        return null;
    }

    private static void send(MessageQueue queue, String text, int priority) {
        byte[] message = text.getBytes(UTF_8);
        queue.send(message, 0, message.length, priority);
    }
}
