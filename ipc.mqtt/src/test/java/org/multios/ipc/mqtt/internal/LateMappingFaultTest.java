package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;

/**
 * On Java 17 HotSpot may throw the InternalError of a fault in a truncated mapping after the call
 * that faulted returned, in the caller's own code, where no handle's rule sees it. The bridge's
 * threads recognise it and go on. The test makes one queue call return and then throw that fault,
 * as the JVM does when it delivers it late; before, the thread died and the bridge moved nothing
 * more.
 */
@Timeout(120)
class LateMappingFaultTest extends BridgeTestSupport {
    /** HotSpot's message for a fault in an access to a truncated mapping. */
    private static final String LATE_FAULT = "a fault occurred in a recent unsafe memory access operation";

    @TempDir
    Path brokerDir;
    Mosquitto broker;

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * The queue service, but the first call of {@code method} with {@code parameters} parameters on
     * the queue {@code name} returns and then throws the late fault.
     */
    private MessageQueueService faultingOnce(String name, String method, int parameters) {
        MessageQueueService queues = ipc.service(MessageQueueService.class);
        AtomicBoolean fired = new AtomicBoolean();
        return (MessageQueueService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageQueueService.class}, (proxy, m, args) -> {
                    Object result = call(m, queues, args);
                    if (result instanceof MessageQueue q && args != null && name.equals(args[0])) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MessageQueue.class},
                                (p, qm, qargs) -> {
                                    Object r = call(qm, q, qargs);
                                    if (qm.getName().equals(method) && qm.getParameterCount() == parameters
                                            && !fired.getAndSet(true)) {
                                        throw new InternalError(LATE_FAULT);
                                    }
                                    return r;
                                });
                    }
                    return result;
                });
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private MqttBridge bridge(MessageQueueService queues, Object... keysAndValues) {
        MqttBridge b = closeLater(new MqttBridge(settings(keysAndValues), queues, ipc.service(ChannelService.class),
                ipc.service(EventService.class)));
        b.start();
        return b;
    }

    @Test
    void theOutboundDrainGoesOnAfterALateFault() throws Exception {
        MessageQueue out = queue("orders", 16);
        for (int i = 0; i < 3; i++) {
            MosquittoBridgeTest.send(out, "m" + i, 5);
        }

        // the first receive takes m0, then the fault comes: m0 is lost with it
        MqttBridge bridge = bridge(faultingOnce("orders", "receive", 4), "broker.uri",
                "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-late", "mappings",
                "queue orders out fleet/orders 1");

        BridgeStatus s = await(bridge, st -> st.stored() == 2, 20, "the two messages after the fault stored");
        assertThat(s.queued()).isEqualTo(2);
        assertThat(out.attributes().currentMessages()).isZero();
    }

    @Test
    void thePublisherGoesOnAfterALateFaultAndPublishesWhatWasInFlight() throws Exception {
        assumeTrue(Mosquitto.available(), "Debian's mosquitto, mosquitto-clients and openssl are not installed");
        broker = Mosquitto.start(brokerDir);
        MessageQueue source = queue("a-out", 16);
        MessageQueue sink = queue("b-in", 16);
        Object[] common = {"broker.uri", broker.tcpUri(), "username", Mosquitto.USER, "password", Mosquitto.PASSWORD,
            "reconnect.min.millis", "100", "reconnect.max.millis", "1000"};
        awaitConnected(bridge(ipc.service(MessageQueueService.class), MosquittoBridgeTest.append(
                new Object[] {"client.id", "gw-b", "mappings", "queue b-in in fleet/orders 1"}, common)));
        // the publisher's first take copies the message into the in-flight queue, then the fault comes
        MqttBridge a = bridge(faultingOnce("mqtt.gw-a", "tryReceive", 1), MosquittoBridgeTest.append(
                new Object[] {"client.id", "gw-a", "mappings", "queue a-out out fleet/orders 1"}, common));
        awaitConnected(a);

        MosquittoBridgeTest.send(source, "first", 4);
        MosquittoBridgeTest.send(source, "second", 4);

        assertThat(MosquittoBridgeTest.receive(sink)).isEqualTo("first@4");
        assertThat(MosquittoBridgeTest.receive(sink)).isEqualTo("second@4");
        await(a, st -> st.sent() == 2, 20, "both acknowledged");
    }
}
