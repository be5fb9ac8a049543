package org.multios.ipc.channels.soak;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Soak of a named priority message queue (issue #10, load): many producers and consumers, each
 * on a handle of its own, in several IPC processes of this JVM and in child JVMs, for
 * {@code ipc.soak.seconds} (default {@value MessagingSoakSupport#DEFAULT_SECONDS} s). Every
 * message carries its producer, sequence number, priority (0..31), sender pid and a CRC32; the
 * test asserts that every message sent was received exactly once, whole, with the priority and
 * sender it was sent with, and that each consumer got each (producer, priority) stream in order
 * (POSIX: FIFO within a priority). A small queue (64 messages) keeps senders and receivers
 * blocking on each other. Prints one {@code SOAK ...} summary line per test.
 */
@Tag("soak")
@Timeout(180)
class MessageQueueSoakTest extends MessagingSoakSupport {
    private static final int CAPACITY = 64;

    /**
     * Found the lost-slot defect of issue #10: with many threads on two cores, a receiver
     * descheduled between taking a ring entry and releasing it made the sender one lap later
     * see the index ring "full"; the message was dropped (its bytes consumed) and a zero-length
     * one delivered in its place. Index-ring puts now wait for the entry instead.
     */
    @Test
    void queueThreadsInOneJvm() throws Exception {
        soak("queue-threads", 4, 0);
    }

    @Test
    void queueThreadsAndChildJvms() throws Exception {
        soak("queue-processes", 2, 3);
    }

    /**
     * {@code contexts} IPC processes in this JVM and {@code childJvms} child JVMs, each with two
     * producers and two consumers.
     */
    private void soak(String scenario, int contexts, int childJvms) throws Exception {
        String name = "soak-" + scenario;
        IpcContext first = context();
        MessageQueue created = first.service(MessageQueueService.class).create(name,
                QueueOptions.of(SoakMessages.MAX_LENGTH, CAPACITY));
        Run run = new Run();
        List<MessageQueue> handles = new ArrayList<>();
        int producer = 0;
        for (int c = 0; c < contexts; c++) {
            MessageQueueService queues = (c == 0 ? first : context()).service(MessageQueueService.class);
            for (int i = 0; i < 4; i++) {
                handles.add(queues.open(name));
            }
            run.produce(handles.get(4 * c), producer++, SoakMessages.ROUTE_QUEUE);
            run.produce(handles.get(4 * c + 1), producer++, SoakMessages.ROUTE_QUEUE);
            run.consume(handles.get(4 * c + 2), SoakMessages.ROUTE_QUEUE);
            run.consume(handles.get(4 * c + 3), SoakMessages.ROUTE_QUEUE);
        }
        for (int j = 0; j < childJvms; j++) {
            run.child(1000 * (j + 1), 2, 2, "queue", name);
        }
        SoakLedger all = run.finish(r -> SoakWorkers.stop(created, SoakMessages.ROUTE_QUEUE, r.consumerCount));
        assertPerfectAndReport(scenario, run, all);
        org.assertj.core.api.Assertions.assertThat(created.tryReceive(new byte[SoakMessages.MAX_LENGTH], 0,
                SoakMessages.MAX_LENGTH, null)).as("the queue is empty at the end").isEqualTo(-1);
        for (MessageQueue h : handles) {
            h.close();
        }
        created.close();
    }
}
