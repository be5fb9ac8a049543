package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;

/** The line of held inbound messages, without a broker: objects that take or refuse on command. */
@Timeout(30)
class HeldMessagesTest {
    private final BridgeCounters counters = new BridgeCounters();
    private final TestObject first = new TestObject();
    private final TestObject second = new TestObject();
    private final InboundRouter router = new InboundRouter("gw-t", List.of(
            new InboundRouter.Route(Mapping.parse("queue a in test/# 2"), first),
            new InboundRouter.Route(Mapping.parse("queue b in test/# 2"), second)), 64, Duration.ofMillis(20), counters);
    private final HeldMessages held = new HeldMessages("gw-t", router, counters, null);
    private final Thread thread = new Thread(held, "held-messages-test");

    @AfterEach
    void stop() throws InterruptedException {
        held.stop();
        thread.join(10_000);
    }

    @Test
    void aMessageOneObjectTookResumesAtTheFullOneAndTheLineKeepsItsOrder() throws Exception {
        second.open = false;
        MqttMessage m0 = message("m0", 2);
        int stopped = router.arrived("test/x", m0);
        assertThat(stopped).as("the second object stayed full").isEqualTo(1);
        held.keep(new HeldMessages.Held(null, "test/x", m0, stopped), () -> true);
        held.keep(new HeldMessages.Held(null, "test/x", message("m1", 1), 0), () -> true);
        thread.start();

        second.awaitRefused(2);  // the line tried m0 at the second object twice
        assertThat(first.taken).as("m1 waits behind m0, even for an object with room").containsExactly("m0");
        assertThat(held.size()).isEqualTo(2);
        second.open();
        while (held.size() > 0) {  // each leaves the line once delivered and counted
            Thread.sleep(1);
        }

        assertThat(first.taken).as("m0 was not given to the first object again").containsExactly("m0", "m1");
        assertThat(second.taken).containsExactly("m0", "m1");
        assertThat(counters.received.sum()).isEqualTo(4);
        assertThat(counters.dropped()).isZero();
    }

    @Test
    void aFullLineMakesTheCallbackWaitUntilItsConnectionIsGone() throws Exception {
        first.open = false;
        for (int i = 0; i < HeldMessages.LIMIT; i++) {
            held.keep(new HeldMessages.Held(null, "test/x", message("m" + i, 2), 0), () -> true);
        }
        boolean[] connected = {true};
        Thread callback = new Thread(() -> held.keep(new HeldMessages.Held(null, "test/x", message("last", 2), 0),
                () -> {
                    synchronized (connected) {
                        return connected[0];
                    }
                }), "callback");
        callback.start();
        awaitState(callback, Thread.State.TIMED_WAITING);
        assertThat(held.size()).isEqualTo(HeldMessages.LIMIT);
        synchronized (connected) {
            connected[0] = false;
        }
        callback.join(10_000);
        assertThat(callback.isAlive()).isFalse();
        assertThat(held.size()).as("kept all the same: the broker will not send it again").isEqualTo(HeldMessages.LIMIT + 1);
    }

    /** Paho stops a callback thread by interrupting it, then waits for it, before it reports the loss. */
    @Test
    void aCallbackInterruptedWhileTheLineIsFullStopsWaitingAndKeepsItsMessage() throws Exception {
        first.open = false;
        for (int i = 0; i < HeldMessages.LIMIT; i++) {
            held.keep(new HeldMessages.Held(null, "test/x", message("m" + i, 2), 0), () -> true);
        }
        boolean[] stillInterrupted = new boolean[1];
        Thread callback = new Thread(() -> {
            held.keep(new HeldMessages.Held(null, "test/x", message("last", 2), 0), () -> true);
            stillInterrupted[0] = Thread.currentThread().isInterrupted();
        }, "callback");
        callback.start();
        awaitState(callback, Thread.State.TIMED_WAITING);
        callback.interrupt();
        callback.join(10_000);
        assertThat(callback.isAlive()).isFalse();
        assertThat(stillInterrupted[0]).isTrue();
        assertThat(held.size()).isEqualTo(HeldMessages.LIMIT + 1);
    }

    /**
     * Past {@link HeldMessages#MAX} the client's reader waits before it takes over a QoS 2 message
     * (the callback does not, so nothing the client answered is queued behind a waiting callback),
     * and gives up once its connection is gone.
     */
    @Test
    void theReaderWaitsForRoomBeforeAQos2MessageAndGivesUpWhenItsConnectionIsGone() throws Exception {
        first.open = false;
        for (int i = 0; i < HeldMessages.MAX; i++) {
            held.keep(new HeldMessages.Held(null, "test/x", message("m" + i, 2), 0), () -> true);
        }
        Thread callback = new Thread(() -> held.keep(new HeldMessages.Held(null, "test/x", message("queued", 2), 0),
                () -> true), "callback");
        callback.start();
        callback.join(10_000);
        assertThat(callback.isAlive()).as("the callback kept it without waiting").isFalse();

        boolean[] connected = {true};
        Boolean[] admitted = new Boolean[1];
        Thread reader = new Thread(() -> admitted[0] = held.awaitRoom(() -> {
            synchronized (connected) {
                return connected[0];
            }
        }), "reader");
        reader.start();
        awaitState(reader, Thread.State.TIMED_WAITING);
        synchronized (connected) {
            connected[0] = false;
        }
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(admitted[0]).as("the message stays the broker's").isFalse();
    }

    @Test
    void theReaderIsLetThroughOnceTheLineHasRoom() throws Exception {
        first.open = false;
        for (int i = 0; i < HeldMessages.MAX; i++) {
            held.keep(new HeldMessages.Held(null, "test/x", message("m" + i, 2), 0), () -> true);
        }
        Boolean[] admitted = new Boolean[1];
        Thread reader = new Thread(() -> admitted[0] = held.awaitRoom(() -> true), "reader");
        reader.start();
        awaitState(reader, Thread.State.TIMED_WAITING);
        thread.start();
        first.open();
        reader.join(10_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(admitted[0]).isTrue();
        assertThat(held.awaitRoom(() -> false)).as("room, but the connection is gone: not taken over").isFalse();
    }

    @Test
    void aGateThatRefusesEndsTheConnectionOnlyForInboundQos2() {
        NoPersistence refusing = new NoPersistence(message -> {
            throw new MqttPersistenceException();
        });
        MqttPublish publish = new MqttPublish("test/x", message("x", 2), new MqttProperties());
        assertThatThrownBy(() -> refusing.put("r-7", publish)).isInstanceOf(MqttPersistenceException.class);
        assertThatCode(() -> refusing.put("s-7", publish)).doesNotThrowAnyException();
    }

    @Test
    void aDeliveryInterruptedAsTheConnectionBreaksIsKeptNotDropped() {
        first.open = false;
        first.refusal = IpcError.INTERRUPTED;
        assertThat(router.arrived("test/x", message("q2", 2))).isZero();
        assertThat(router.arrived("test/x", message("q0", 0))).isEqualTo(InboundRouter.DONE);
        assertThat(counters.undelivered.sum()).as("only the QoS 0 message").isEqualTo(1);
    }

    /** Java 17 delivers the fault of a truncated mapping after the call that made it returned. */
    @Test
    void aLateFaultOfAMappedFileDoesNotEndTheLinesThread() throws Exception {
        first.lateFault = true;
        held.keep(new HeldMessages.Held(null, "test/x", message("m0", 2), 0), () -> true);
        held.keep(new HeldMessages.Held(null, "test/x", message("m1", 2), 0), () -> true);
        thread.start();
        while (held.size() > 0) {
            Thread.sleep(1);
        }
        assertThat(thread.isAlive()).isTrue();
        assertThat(first.taken).as("m0 tried again after the fault: it has no id").containsExactly("m0", "m0", "m1");
    }

    @Test
    void aMessageAnObjectClosedAsTheBridgeStopsRefusesIsNotAcknowledged() {
        first.open = false;
        first.refusal = IpcError.CLOSED;
        assertThat(router.arrived("test/x", message("before", 1))).as("closed for another reason: dropped")
                .isEqualTo(InboundRouter.DONE);
        router.closing();
        assertThat(router.arrived("test/x", message("q1", 1))).as("kept back: the broker keeps it").isZero();
        assertThat(router.arrived("test/x", message("q0", 0))).isEqualTo(InboundRouter.DONE);
        assertThat(counters.undelivered.sum()).isEqualTo(2);
    }

    @Test
    void whatIsHeldAtTheStopCountsAsUndeliveredForQos2Only() {
        held.keep(new HeldMessages.Held(null, "test/x", message("q2", 2), 0), () -> true);
        held.keep(new HeldMessages.Held(null, "test/x", message("q1", 1), 0), () -> true);
        held.stop();
        assertThat(counters.undelivered.sum()).as("the QoS 1 message comes again from the broker").isEqualTo(1);
        assertThat(held.size()).isZero();
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        while (t.getState() != state) {
            Thread.sleep(1);
        }
    }

    private static MqttMessage message(String payload, int qos) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(qos);
        return m;
    }
}
