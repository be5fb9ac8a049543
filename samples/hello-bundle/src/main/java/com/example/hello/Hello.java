package com.example.hello;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Sends itself a greeting through a named queue each time it is activated, one sender at a time. */
@Component(immediate = true)
public class Hello {
    private final MessageQueue queue;
    private final Semaphore turn;

    @Activate
    public Hello(@Reference MessageQueueService queues, @Reference SyncService sync) {
        // create opens the object if it exists: the queue and the semaphore outlive this bundle's
        // stop, update and start, and the next activation opens them again
        queue = queues.create("hello", QueueOptions.of(256, 16).withMode(0660));
        turn = sync.createSemaphore("hello-turn", SemaphoreOptions.binary(true), 0660);
        byte[] greeting = "hello from a bundle".getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[256];
        MessageInfo info = new MessageInfo();
        turn.acquire(Duration.ofSeconds(5));
        try {
            queue.send(greeting, 0, greeting.length, 1);
            int n = queue.receive(buf, 0, buf.length, info);
            System.out.println("hello-bundle received '" + new String(buf, 0, n, StandardCharsets.UTF_8)
                    + "' at priority " + info.priority());
        } finally {
            turn.release();
        }
    }

    @Deactivate
    void stop() {
        turn.close();
        queue.close();
        System.out.println("hello-bundle stopped");
    }
}
