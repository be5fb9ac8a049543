package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintWriter;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Message-queue priorities (the original {@code example_message_queue_priorities}): messages
 * sent at priorities 1, 10 and 31 are received highest priority first and, within one
 * priority, in the order they were sent (POSIX message-queue order).
 */
public final class QueuePrioritiesExample implements Example {
    @Override
    public String name() {
        return "queue-priorities";
    }

    @Override
    public String describe() {
        return "a named queue delivers the highest priority first, FIFO within a priority";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) {
        MessageQueueService queues = services.queues();
        String name = Names.unique("orders");
        // Up to 16 messages of up to 64 bytes; only this user may open it.
        MessageQueue queue = queues.create(name, QueueOptions.of(64, 16).withMode(0600));
        try (queue) {
            out.println("queue '" + name + "': up to 16 messages of 64 bytes");
            send(queue, "routine order", 1, out);
            send(queue, "normal order", 10, out);
            send(queue, "urgent order", 31, out);
            send(queue, "second normal order", 10, out);
            send(queue, "second routine order", 1, out);

            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            int n;
            while ((n = queue.tryReceive(buf, 0, buf.length, info)) != MessageQueue.NO_MESSAGE) {
                out.println("received priority " + info.priority() + ": " + new String(buf, 0, n, UTF_8));
            }
        } finally {
            queues.unlink(name);
        }
    }

    private static void send(MessageQueue queue, String text, int priority, PrintWriter out) {
        byte[] message = text.getBytes(UTF_8);
        queue.send(message, 0, message.length, priority);
        out.println("sent     priority " + priority + ": " + text);
    }
}
