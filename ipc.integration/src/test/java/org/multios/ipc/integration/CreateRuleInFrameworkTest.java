package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The create rule across bundles: every mechanism's named create, called by the fixture bundle
 * and then by the test bundle with the same options, gives both a handle on one object; an
 * exclusive create, or one with other shaping options, fails with ALREADY_EXISTS naming it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CreateRuleInFrameworkTest extends SyncBundleTestSupport {

    @Test(timeout = 120_000)
    public void everyMechanismsCreateOpensWhatAnotherBundleCreated() throws Exception {
        BundleContext[] both = { fixtureContext(), context };
        long[] ids = new long[2];

        for (int i = 0; i < 2; i++) {
            SharedMemory s = keep(service(both[i], SharedMemoryService.class).create("rule-shm", 4096, 0660));
            ids[i] = s.id();
        }
        assertEquals("one segment", ids[0], ids[1]);
        SharedMemoryService shm = service(context, SharedMemoryService.class);
        refused("shm of another size", "shared memory 'rule-shm'", () -> shm.create("rule-shm", 8192, 0660));
        refused("exclusive shm", "rule-shm", () -> shm.create("rule-shm", 4096, 0660, true));

        for (int i = 0; i < 2; i++) {
            Semaphore s = keep(service(both[i], SyncService.class).createSemaphore("rule-sem",
                    SemaphoreOptions.of(1), 0660));
            ids[i] = s.id();
        }
        assertEquals("one semaphore", ids[0], ids[1]);
        SyncService sync = service(context, SyncService.class);
        refused("semaphore of another maximum", "semaphore 'rule-sem'",
                () -> sync.createSemaphore("rule-sem", SemaphoreOptions.binary(true), 0660));
        refused("exclusive semaphore", "rule-sem",
                () -> sync.createSemaphore("rule-sem", SemaphoreOptions.of(1).withExclusive(true), 0660));

        for (int i = 0; i < 2; i++) {
            ids[i] = keep(service(both[i], SyncService.class).createMutex("rule-mutex", MutexOptions.DEFAULT, 0660)).id();
        }
        assertEquals("one mutex", ids[0], ids[1]);
        refused("recursive mutex", "mutex 'rule-mutex'",
                () -> sync.createMutex("rule-mutex", MutexOptions.DEFAULT.withRecursive(true), 0660));

        for (int i = 0; i < 2; i++) {
            ids[i] = keep(service(both[i], SyncService.class).createCondition("rule-cond", 0660)).id();
        }
        assertEquals("one condition", ids[0], ids[1]);
        refused("exclusive condition", "rule-cond", () -> sync.createCondition("rule-cond", 0660, true));

        for (int i = 0; i < 2; i++) {
            ids[i] = keep(service(both[i], EventService.class).create("rule-event", EventType.AUTO_RESET, Set.of(),
                    0660)).id();
        }
        assertEquals("one event", ids[0], ids[1]);
        EventService events = service(context, EventService.class);
        refused("event of another type", "event 'rule-event'",
                () -> events.create("rule-event", EventType.MANUAL_RESET, Set.of(), 0660));
        refused("exclusive event", "rule-event",
                () -> events.create("rule-event", EventType.AUTO_RESET, EnumSet.of(EventFlag.EXCLUSIVE), 0660));

        for (int i = 0; i < 2; i++) {
            MessageQueue q = keep(service(both[i], MessageQueueService.class).create("rule-queue",
                    QueueOptions.of(64, 4).withMode(0660)));
            ids[i] = q.id();
        }
        assertEquals("one queue", ids[0], ids[1]);
        MessageQueueService queues = service(context, MessageQueueService.class);
        refused("queue of other sizes", "queue 'rule-queue'",
                () -> queues.create("rule-queue", QueueOptions.of(128, 4).withMode(0660)));
        refused("exclusive queue", "rule-queue",
                () -> queues.create("rule-queue", QueueOptions.of(64, 4).withFlags(QueueFlag.EXCLUSIVE)));

        for (int i = 0; i < 2; i++) {
            ChannelEnd end = keep(service(both[i], ChannelService.class).create("rule-channel",
                    ChannelOptions.ofBufferSize(1024).withMode(0660)));
            ids[i] = end.id();
        }
        assertEquals("one channel", ids[0], ids[1]);
        ChannelService channels = service(context, ChannelService.class);
        refused("channel of another buffer", "channel 'rule-channel'",
                () -> channels.create("rule-channel", ChannelOptions.ofBufferSize(2048).withMode(0660)));
        refused("exclusive channel", "rule-channel",
                () -> channels.create("rule-channel", ChannelOptions.ofBufferSize(1024).withExclusive(true)));

        for (BundleContext c : both) {
            service(c, PipeService.class).createNamed("rule-fifo", 0660);
        }
        PipeService pipes = service(context, PipeService.class);
        pipes.openReader("rule-fifo").close();
        refused("exclusive pipe", "rule-fifo", () -> pipes.createNamed("rule-fifo", 0660, true));
    }

    private static void refused(String what, String naming, Runnable create) {
        try {
            create.run();
        } catch (IpcException e) {
            assertEquals(what + ": " + e.getMessage(), IpcError.ALREADY_EXISTS, e.error());
            assertTrue(what + " names the object: " + e.getMessage(), e.getMessage().contains(naming));
            return;
        }
        throw new AssertionError(what + ": the create succeeded");
    }
}
