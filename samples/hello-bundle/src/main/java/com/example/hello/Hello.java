package com.example.hello;

import java.nio.charset.StandardCharsets;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Sends itself a greeting through a named queue each time it is activated. */
@Component(immediate = true)
public class Hello {
    private final MessageQueue queue;

    @Activate
    public Hello(@Reference MessageQueueService queues) {
        // open-or-create: the queue survives this bundle's stop, update and start
        queue = queues.create("hello", QueueOptions.of(256, 16).withMode(0660));
        byte[] greeting = "hello from a bundle".getBytes(StandardCharsets.UTF_8);
        queue.send(greeting, 0, greeting.length, 1);

        byte[] buf = new byte[256];
        MessageInfo info = new MessageInfo();
        int n = queue.receive(buf, 0, buf.length, info);
        System.out.println("hello-bundle received '" + new String(buf, 0, n, StandardCharsets.UTF_8)
                + "' at priority " + info.priority());
    }

    @Deactivate
    void stop() {
        queue.close();
        System.out.println("hello-bundle stopped");
    }
}
