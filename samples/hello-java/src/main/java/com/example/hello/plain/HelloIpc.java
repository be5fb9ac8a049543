package com.example.hello.plain;

import java.nio.charset.StandardCharsets;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/** Sends one message to the named queue "greetings", which the gateway's bundles see too. */
public class HelloIpc {
    public static void main(String[] args) {
        String text = args.length > 0 ? String.join(" ", args) : "hello from plain Java";
        try (IpcContext ipc = Ipc.open();
             MessageQueue queue = ipc.service(MessageQueueService.class)
                     .create("greetings", QueueOptions.of(256, 16).withMode(0660))) {
            byte[] message = text.getBytes(StandardCharsets.UTF_8);
            queue.send(message, 0, message.length, 5);
            System.out.println("sent '" + text + "' to queue 'greetings'");
        }
    }
}
