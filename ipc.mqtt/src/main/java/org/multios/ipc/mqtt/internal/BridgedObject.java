package org.multios.ipc.mqtt.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.queue.MessageQueueService;

/**
 * The IPC object of one {@link Mapping}, opened through the bridge's own API services (so the
 * security policy decides what the bridge may read and write, as for any caller): a queue, end B
 * of a channel, or an event.
 */
interface BridgedObject extends AutoCloseable {
    /**
     * Waits for the next outbound message and copies it into {@code buf}.
     *
     * @return its length; {@code info} holds its priority and sender
     * @throws IpcException CLOSED once the bridge closed the object; as the object's receive
     */
    int take(byte[] buf, MessageInfo info);

    /**
     * Hands up to {@code max} waiting outbound messages to {@code handler} in place; never waits.
     *
     * @return how many were handled (always 0 for an event, whose signals {@link #take} waits for)
     * @throws IpcException CLOSED once the bridge closed the object; as the object's drain
     */
    int drain(MessageHandler handler, int max);

    /**
     * Delivers an inbound message.
     *
     * @throws IpcException INVALID_ARGUMENT if the payload is not a message this object takes (an
     *         event's data is 0 or 8 bytes); TIMEOUT if there was no room within {@code timeout};
     *         MESSAGE_TOO_LARGE; as the object's send
     */
    void deliver(byte[] payload, int priority, Duration timeout);

    @Override
    void close();

    /** Opens the object of a mapping with the rights its direction needs. */
    static BridgedObject open(Mapping m, MessageQueueService queues, ChannelService channels, EventService events) {
        int rights = (m.direction().out() ? Rights.READ : 0) | (m.direction().in() ? Rights.WRITE : 0);
        return switch (m.kind()) {
            case QUEUE -> new Port(queues.open(m.name(), rights, Set.of()));
            case CHANNEL -> new Port(channels.open(m.name(), ChannelSide.B, rights));
            case EVENT -> new EventObject(events.open(m.name()));
        };
    }

    /** A queue or channel end. */
    record Port(MessagePort port) implements BridgedObject {
        @Override
        public int take(byte[] buf, MessageInfo info) {
            return port.receive(buf, 0, buf.length, info);
        }

        @Override
        public int drain(MessageHandler handler, int max) {
            return port.drain(handler, max);
        }

        @Override
        public void deliver(byte[] payload, int priority, Duration timeout) {
            port.send(payload, 0, payload.length, priority, timeout);
        }

        @Override
        public void close() {
            port.close();
        }
    }

    /** An event: each signal's data goes out as 8 bytes; an inbound message of 8 bytes (or none) signals it. */
    record EventObject(Event event) implements BridgedObject {
        @Override
        public int take(byte[] buf, MessageInfo info) {
            long data = event.await();
            ByteBuffer.wrap(buf).putLong(0, data);
            info.set(Long.BYTES, 0, ProcessKind.BUNDLE, 0, 0);
            return Long.BYTES;
        }

        @Override
        public int drain(MessageHandler handler, int max) {
            return 0;
        }

        @Override
        public void deliver(byte[] payload, int priority, Duration timeout) {
            if (payload.length == 0) {
                event.signal();
            } else if (payload.length == Long.BYTES) {
                event.signal(ByteBuffer.wrap(payload).getLong());
            } else {
                throw new IpcException(IpcError.INVALID_ARGUMENT, "event '" + event.name().orElse("?")
                        + "' takes 0 or 8 bytes of data, not " + payload.length);
            }
        }

        @Override
        public void close() {
            event.close();
        }
    }
}
