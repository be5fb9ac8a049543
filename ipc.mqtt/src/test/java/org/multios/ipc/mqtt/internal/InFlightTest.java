package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;

/**
 * The in-flight queue across a restart: what was in flight, of any priorities, comes back once
 * each, in the order it was published, with its own priority, and leaves as it is acknowledged.
 */
@Timeout(30)
class InFlightTest extends BridgeTestSupport {
    private static final int RECORD = 256;
    /** HotSpot's message for a fault in an access to a truncated mapping. */
    private static final String LATE_FAULT = "a fault occurred in a recent unsafe memory access operation";

    @Test
    void messagesOfMixedPrioritiesInFlightAtAStopComeBackOnceEachInPublishOrder() throws Exception {
        MessageQueueService queues = ipc.service(MessageQueueService.class);
        int[] priorities = { 1, 9, 3, 9, 0 };
        try (MessageQueue store = StoreQueue.create(queues, "mqtt.gw-prio", RECORD, 16, QueueDurability.NONE)) {
            for (int i = 0; i < priorities.length; i++) {
                byte[] r = new byte[RECORD];
                MessageInfo info = new MessageInfo();
                info.set(2, priorities[i], org.multios.ipc.ProcessKind.BUNDLE, 7, 0);
                int n = StoredMessage.encode(r, 42, i, "t".getBytes(StandardCharsets.UTF_8), 1, info,
                        ("m" + i).getBytes(StandardCharsets.UTF_8), 2);
                store.send(r, 0, n, priorities[i]);
            }
            try (InFlight first = InFlight.open(queues, "mqtt.gw-prio", RECORD, 8, QueueDurability.NONE)) {
                for (int i = 0; i < priorities.length; i++) {
                    assertThat(store.tryReceive((message, info) -> first.add(message, info, () -> { }))).isTrue();
                }
                // taken from the store highest priority first: the publish order
                assertThat(sequences(first.unacknowledged())).containsExactly(1L, 3L, 2L, 0L, 4L);
            } // stopped with all five unacknowledged

            try (InFlight second = InFlight.open(queues, "mqtt.gw-prio", RECORD, 8, QueueDurability.NONE)) {
                List<StoredMessage> back = second.unacknowledged();
                assertThat(sequences(back)).containsExactly(1L, 3L, 2L, 0L, 4L);
                assertThat(back).extracting(StoredMessage::priority).containsExactly(9, 9, 3, 1, 0);
                assertThat(second.acknowledged(back.get(1))).isZero(); // behind an unacknowledged head
                assertThat(second.acknowledged(back.get(0))).isEqualTo(2);
                for (StoredMessage m : back.subList(2, back.size())) {
                    assertThat(second.acknowledged(m)).isEqualTo(1);
                }
                assertThat(second.size()).isZero();
            }
        }
    }

    @Test
    void aRecordTheInFlightQueueCannotKeepStaysInTheStore() throws Exception {
        MessageQueueService queues = ipc.service(MessageQueueService.class);
        StoreQueue store = new StoreQueue(queues, "mqtt.gw-fail", RECORD, 4, QueueDurability.NONE, Overflow.REJECT);
        try {
            byte[] r = new byte[RECORD];
            MessageInfo info = new MessageInfo().set(2, 5, org.multios.ipc.ProcessKind.BUNDLE, 7, 0);
            int n = StoredMessage.encode(r, 42, 0, "t".getBytes(StandardCharsets.UTF_8), 1, info,
                    "m0".getBytes(StandardCharsets.UTF_8), 2);
            assertThat(store.offer(r, n, 5, java.time.Duration.ofMillis(10), () -> true)).isEqualTo(StoreQueue.Offer.STORED);
            InFlight inFlight = InFlight.open(queues, "mqtt.gw-fail", RECORD, 2, QueueDurability.NONE);
            inFlight.close(); // its queue fails every later send

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.take((message, from) -> inFlight.add(message, from, () -> { }), java.time.Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(org.multios.ipc.IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(org.multios.ipc.IpcError.UNAVAILABLE));
            assertThat(store.depth()).as("the record is back in the store").isEqualTo(1);
        } finally {
            store.close();
        }
    }

    /**
     * A late fault (HotSpot's InternalError of a truncated mapping, on Java 17 delivered at the
     * thread's next call into the VM) coming out of the in-flight queue's send after the record went
     * in: the record stays in flight with its entry, and the caller learns the record holds its
     * window permit. Before, the entry was missing and the publisher released the permit although
     * the record in flight held it, so its window grew by one.
     */
    @Test
    void aLateFaultAfterTheSendLeavesTheRecordInFlightHoldingThePermit() throws Exception {
        MessageQueueService real = ipc.service(MessageQueueService.class);
        AtomicBoolean fired = new AtomicBoolean();
        MessageQueueService queues = (MessageQueueService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageQueueService.class}, (proxy, m, args) -> {
                    Object result = call(m, real, args);
                    if (result instanceof MessageQueue q && args != null && "mqtt.gw-late.in-flight".equals(args[0])) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MessageQueue.class},
                                (p, qm, qargs) -> {
                                    Object r = call(qm, q, qargs);
                                    if (qm.getName().equals("trySend") && qm.getParameterCount() == 4
                                            && !fired.getAndSet(true)) {
                                        throw new InternalError(LATE_FAULT);
                                    }
                                    return r;
                                });
                    }
                    return result;
                });
        try (MessageQueue store = StoreQueue.create(real, "mqtt.gw-late", RECORD, 4, QueueDurability.NONE);
                InFlight inFlight = InFlight.open(queues, "mqtt.gw-late", RECORD, 2, QueueDurability.NONE)) {
            byte[] r = new byte[RECORD];
            MessageInfo info = new MessageInfo().set(2, 5, org.multios.ipc.ProcessKind.BUNDLE, 7, 0);
            int n = StoredMessage.encode(r, 42, 0, "t".getBytes(StandardCharsets.UTF_8), 1, info,
                    "m0".getBytes(StandardCharsets.UTF_8), 2);
            store.send(r, 0, n, 5);
            AtomicBoolean permitHandedOver = new AtomicBoolean();

            assertThatThrownBy(() -> store.tryReceive((message, from) -> inFlight.add(message, from,
                    () -> permitHandedOver.set(true)))).isInstanceOf(InternalError.class).hasMessage(LATE_FAULT);

            assertThat(fired).isTrue();
            assertThat(permitHandedOver).as("the record in flight holds the permit").isTrue();
            List<StoredMessage> flying = inFlight.unacknowledged();
            assertThat(sequences(flying)).containsExactly(0L);
            assertThat(inFlight.acknowledged(flying.get(0))).isEqualTo(1);
            assertThat(inFlight.size()).isZero();
        }
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<Long> sequences(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::sequence).toList();
    }
}
