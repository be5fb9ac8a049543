package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;

/**
 * The held journal: QoS 2 messages the client took over and the bridge held survive a stop or a
 * kill, in arrival order, and what the client dropped as its connection ended keeps its place.
 */
@Timeout(30)
class HeldJournalTest extends BridgeTestSupport {
    private static final String STORE = "mqtt.gw-journal";
    private final BridgeCounters counters = new BridgeCounters();
    private final TestObject object = new TestObject();
    private final InboundRouter router = new InboundRouter("gw-j", List.of(
            new InboundRouter.Route(Mapping.parse("queue a in test/# 2"), object)), 64, Duration.ofMillis(20), counters);
    private final HeldMessages.Receipts connection = message -> { };

    @Test
    void messagesHeldAtAStopAreDeliveredFirstAtTheNextStartInOrderWithTheirProperties() throws Exception {
        object.open = false;
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            for (int i = 0; i < 5; i++) {
                MqttMessage m = message("m" + i, "id-" + i, String.valueOf(i));
                m.setId(i + 1);
                takeOver(held, connection, m, i + 1, false);
            }
            assertThat(held.size()).isEqualTo(5);
            held.stop();
            assertThat(counters.undelivered.sum()).as("nothing lost: the journal keeps them").isZero();
        }

        object.open();
        try (HeldJournal journal = journal()) {
            HeldJournal.Recovered r = journal.recover();
            assertThat(r.dropped()).isZero();
            assertThat(r.entries()).extracting(HeldJournal.Entry::topic).containsOnly("test/x");
            MqttMessage third = r.entries().get(2).message();
            assertThat(third.getQos()).isEqualTo(2);
            assertThat(third.getProperties().getUserProperties()).containsExactly(
                    new UserProperty(UserProperties.ID, "id-2"), new UserProperty(UserProperties.PRIORITY, "2"));
            deliverAll(journal, r);
        }
        assertThat(object.taken).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    /** A kill leaves the journal as the admissions wrote it: nothing is closed or stopped here. */
    @Test
    void whatAKilledBridgeAdmittedIsThereWithoutAStop() {
        HeldJournal killed = journal();
        HeldMessages held = line(killed);
        assertThat(held.admit(connection, "test/x", message("a", "id-a", "0"), 1, false)).isTrue();
        assertThat(held.admit(connection, "test/y", message("b", "id-b", "0"), 2, false)).isTrue();
        try (HeldJournal next = journal()) {
            assertThat(next.recover().entries()).extracting(e -> new String(e.message().getPayload(),
                    StandardCharsets.UTF_8)).containsExactly("a", "b");
        }
        killed.close();
    }

    /**
     * The client drops what it queued for its callback when a connection ends, after its PUBREC:
     * those messages join the line when the next connection's client is made, after what the old
     * connection handed over and before anything of the new one; a late hand-over of one of them by
     * the old callback does not add it twice, and the old reader admits nothing more.
     */
    @Test
    void messagesTheClientDroppedAsItsConnectionEndedKeepTheirPlace() throws Exception {
        HeldMessages.Receipts next = message -> { };
        object.open = false;
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage m0 = message("m0", "i0", "0");
            MqttMessage m1 = message("m1", "i1", "0");
            MqttMessage m2 = message("m2", "i2", "0");
            for (MqttMessage m : List.of(m0, m1, m2)) {
                m.setId(10 + m.getPayload()[1]);
                assertThat(held.admit(connection, "test/x", copy(m), m.getId(), false)).as("admitted with its own copy, as the "
                        + "client makes one per call").isTrue();
            }
            held.keep(new HeldMessages.Held(connection, "test/x", m0, 0), () -> true);
            held.connecting(next);
            assertThat(held.size()).as("m1 and m2 joined the line").isEqualTo(3);
            held.keep(new HeldMessages.Held(connection, "test/x", m1, 0), () -> false);
            assertThat(held.size()).as("the old callback's late m1 is not added twice").isEqualTo(3);
            assertThat(held.admit(connection, "test/x", message("late", "i9", "0"), 99, false)).as("the old reader").isFalse();
            MqttMessage m3 = message("m3", "i3", "0");
            m3.setId(m0.getId());  // the new connection may use any packet id again
            takeOver(held, next, m3, m3.getId(), false);

            Thread t = new Thread(held, "held-journal-test");
            t.start();
            object.open();
            object.awaitTaken(4);
            while (journal.size() > 0) {  // each record leaves once its message was taken
                Thread.sleep(1);
            }
            held.stop();
            t.join(10_000);
        }
        assertThat(object.taken).containsExactly("m0", "m1", "m2", "m3");
    }

    /**
     * The connection that admitted a message ends before its callback handed it over; the next
     * attempt fails and a third connection is made, all before the old callback gets to its late
     * hand-over (the client does not wait for its callback thread as it shuts down). The message
     * joined the line when the second client was made; the late hand-over must still be
     * recognised and not add it again. It was not: each client made forgot the packet ids of the
     * previous one's orphans, so a message without an id of its own reached its object twice.
     */
    @Test
    void aLateHandOverIsRecognisedAfterMoreThanOneConnectionWasMade() throws Exception {
        HeldMessages.Receipts failed = message -> { };
        HeldMessages.Receipts third = message -> { };
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage foreign = new MqttMessage("foreign".getBytes(StandardCharsets.UTF_8), 2, false,
                    new MqttProperties());
            foreign.setId(7);
            assertThat(held.admit(connection, "test/x", copy(foreign), 7, false)).isTrue();
            held.connecting(failed);
            held.connecting(third);
            assertThat(held.size()).as("the orphan joined the line").isEqualTo(1);
            held.keep(new HeldMessages.Held(connection, "test/x", foreign, 0), () -> false);
            assertThat(held.size()).as("the first callback's late hand-over is not added again").isEqualTo(1);

            Thread t = new Thread(held, "held-journal-test");
            t.start();
            object.awaitTaken(1);
            while (journal.size() > 0) {
                Thread.sleep(1);
            }
            held.stop();
            t.join(10_000);
        }
        assertThat(object.taken).containsExactly("foreign");
    }

    /**
     * The list of the last messages recorded, kept at a stop, is read at the next start; if that
     * start is killed, the one after it must still find the list. It did not: the list's queue holds
     * one record, so the copy that was to go back while the read held the record found no room,
     * and the read emptied the queue.
     */
    @Test
    void theListOfRecentMessagesOutlivesTheStartThatReadIt() {
        listOutlivesTheStartThatReadIt();
    }

    /** The same in a list's queue of one record, as an earlier version made it. */
    @Test
    void theListOfRecentMessagesOutlivesTheStartThatReadItInAQueueOfOneRecord() {
        StoreQueue.create(ipc.service(MessageQueueService.class), STORE + HeldJournal.SUFFIX + HeldJournal.RESENDS_SUFFIX,
                Resends.MAX_WRITTEN, 1, QueueDurability.GROUP).close();
        listOutlivesTheStartThatReadIt();
    }

    private void listOutlivesTheStartThatReadIt() {
        MqttMessage m0 = message("m0", "i0", "0");
        Resends kept = new Resends();
        kept.recorded(5, "test/x", m0);
        try (HeldJournal journal = journal()) {
            journal.keep(kept);
        }
        try (HeldJournal journal = journal()) {
            assertThat(journal.recall(new Resends())).as("the start after the stop").isTrue();
            // killed: no stop keeps the list again
        }
        try (HeldJournal journal = journal()) {
            Resends recalled = new Resends();
            assertThat(journal.recall(recalled)).isTrue();
            assertThat(recalled.isResend(5, true, "test/x", copy(m0))).as("the start after the kill knows m0")
                    .isTrue();
        }
    }

    /**
     * A connection ends before the PUBREC of a recorded message left (the bridge stopping, a broken
     * network): the broker sends the message again on the next connection, DUP set, same packet id,
     * after messages that followed it. The copy is answered and dropped, counted as a duplicate;
     * a message that only looks alike (another payload, or no DUP flag) is not.
     */
    @Test
    void theBrokersCopyOfARecordedMessageIsAnsweredAndDropped() throws Exception {
        object.open = false;
        List<MqttMessage> answered = new java.util.ArrayList<>();
        HeldMessages.Receipts next = answered::add;
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage m0 = message("m0", "i0", "0");
            m0.setId(7);
            takeOver(held, connection, m0, 7, false);
            held.connecting(next);

            MqttMessage copy = copy(m0);
            takeOver(held, next, copy, 7, true);
            assertThat(held.size()).as("the copy is not held").isOne();
            assertThat(counters.duplicates.sum()).isOne();
            assertThat(answered).as("the copy was answered").containsExactly(copy);
            assertThat(journal.size()).as("nor recorded").isOne();

            MqttMessage other = message("m1", "i0", "0");
            other.setId(7);
            takeOver(held, next, other, 7, true);
            MqttMessage again = copy(m0);
            again.setId(8);
            takeOver(held, next, again, 8, false);
            assertThat(held.size()).as("another payload under id 7, and a new message alike without DUP").isEqualTo(3);
            assertThat(counters.duplicates.sum()).isOne();
        }
    }

    /**
     * The broker's copy of a recorded message, taken over by the reader and not yet handed over
     * when the bridge stops, is no message lost: its original is held (before: counted undelivered
     * as held in memory only; seen once in MqttRestartFloodTest).
     */
    @Test
    void aCopyOfARecordedMessageNotHandedOverAtAStopIsNotCountedLost() throws Exception {
        object.open = false;
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage m0 = message("m0", "i0", "0");
            m0.setId(7);
            takeOver(held, connection, m0, 7, false);
            HeldMessages.Receipts next = message -> { };
            held.connecting(next);
            assertThat(held.admit(next, "test/x", copy(m0), 7, true)).isTrue();
            held.stop();
            assertThat(counters.undelivered.sum()).isZero();
            assertThat(journal.size()).as("the original stays recorded").isOne();
        }
    }

    /** The same after a restart: the copy of a message the journal gave back is dropped. */
    @Test
    void theBrokersCopyOfAMessageTheJournalGaveBackIsDropped() throws Exception {
        object.open = false;
        MqttMessage m0 = message("m0", "i0", "0");
        try (HeldJournal journal = journal()) {
            assertThat(line(journal).admit(connection, "test/x", m0, 41, false)).isTrue();
        }
        try (HeldJournal journal = journal()) {
            HeldMessages held = new HeldMessages("gw-j", router, counters, journal);
            held.restore(journal.recover().entries());
            held.connecting(connection);
            MqttMessage copy = copy(m0);
            copy.setId(41);
            takeOver(held, connection, copy, 41, true);
            assertThat(held.size()).as("only the journal's").isOne();
            assertThat(counters.duplicates.sum()).isOne();
        }
    }

    /**
     * A message delivered just before the stop may have lost its PUBREC as well: the list of the
     * last messages recorded outlives the stop, so its copy after the restart is dropped too.
     */
    @Test
    void theBrokersCopyOfAMessageDeliveredBeforeTheStopIsDroppedAfterTheRestart() throws Exception {
        MqttMessage m0 = message("m0", "i0", "0");
        m0.setId(5);
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            takeOver(held, connection, m0, 5, false);
            Thread t = new Thread(held, "held-journal-test");
            t.start();
            object.awaitTaken(1);
            while (journal.size() > 0) {
                Thread.sleep(1);
            }
            held.stop();
            t.join(10_000);
        }
        try (HeldJournal journal = journal()) {
            HeldMessages held = new HeldMessages("gw-j", router, counters, journal);
            held.restore(journal.recover().entries());
            held.connecting(connection);
            MqttMessage copy = copy(m0);
            takeOver(held, connection, copy, 5, true);
            assertThat(held.size()).isZero();
            assertThat(counters.duplicates.sum()).isOne();
        }
        assertThat(object.taken).containsExactly("m0");
    }

    @Test
    void aMessageWhoseTopicAndPropertiesDoNotFitIsHeldInMemoryOnlyAndCountedIfLost() {
        object.open = false;
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage big = message("big", "x".repeat(HeldRecordDescriptor.TOPIC_AND_PROPERTIES), "0");
            assertThat(journal.append("test/x", big, 1)).isEqualTo(HeldJournal.NOT_RECORDED);
            big.setId(1);
            takeOver(held, connection, big, 1, false);
            assertThat(journal.size()).isZero();
            held.stop();
            assertThat(counters.undelivered.sum()).isEqualTo(1);
        }
    }

    /** Records another process wrote into the journal: each is dropped and counted, none throws. */
    @Test
    void recordsThatAreNotABridgesAreDroppedAtRecovery() {
        long seed = System.nanoTime();
        System.out.println("recordsThatAreNotABridgesAreDroppedAtRecovery seed " + seed);
        Random random = new Random(seed);
        MessageQueueService queues = ipc.service(MessageQueueService.class);
        int good = 0;
        try (HeldJournal journal = journal()) {
            try (MessageQueue q = queues.open(STORE + HeldJournal.SUFFIX)) {
                for (int i = 0; i < 200; i++) {
                    byte[] junk = new byte[random.nextInt(64)];
                    random.nextBytes(junk);
                    if (junk.length > 11 && random.nextBoolean()) {
                        junk[8] = 0;  // a short topic, so that some get past the first check
                        junk[9] = (byte) random.nextInt(8);
                        junk[10] = 0;
                        junk[11] = (byte) random.nextInt(40);
                    }
                    q.send(junk, 0, junk.length, 0);
                }
            }
            good = (int) journal.append("test/x", message("after", "id", "0"), 1);
        }
        try (HeldJournal journal = journal()) {
            HeldJournal.Recovered r = journal.recover();
            assertThat(r.entries().size() + r.dropped()).isEqualTo(201);
            assertThat(r.entries()).isNotEmpty();
            assertThat(new String(r.entries().get(r.entries().size() - 1).message().getPayload(),
                    StandardCharsets.UTF_8)).isEqualTo("after");
            assertThat(good).isZero();
        }
    }

    /**
     * A journal filled to its capacity (another process wrote it: the bridge keeps fewer) has no
     * room for the copy of its head at recovery: the head is held in memory only and every record
     * comes back in order. Before, recovery threw LIMIT_EXCEEDED out of the bridge's start after its
     * take had already removed the head: the bridge did not start and m0 was gone at the next.
     */
    @Test
    void aJournalFilledToItsCapacityIsRecoveredWholeAndInOrder() throws Exception {
        int n = 0;
        try (HeldJournal journal = journal()) {
            while (journal.append("test/x", message("m" + n, "id-" + n, "0"), n) != HeldJournal.NOT_RECORDED) {
                n++;
            }
        }
        assertThat(n).isEqualTo(HeldJournal.CAPACITY);
        try (HeldJournal journal = journal()) {
            HeldJournal.Recovered r = journal.recover();
            assertThat(r.dropped()).isZero();
            assertThat(r.entries()).hasSize(n);
            assertThat(r.entries().get(0).sequence()).as("no room for its copy").isEqualTo(HeldJournal.NOT_RECORDED);
            assertThat(journal.size()).isEqualTo(n - 1);
            deliverAll(journal, r);
        }
        assertThat(object.taken).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, n).mapToObj(i -> "m" + i).toList());
        assertThat(counters.undelivered.sum()).isZero();
    }

    /**
     * The callback hands over a message its reader admitted (and the journal recorded) after the
     * bridge stopped: the message stays in the journal for the next start, so it is not lost. It
     * was counted undelivered (stop() had cleared the admitted list, so it looked unrecorded).
     */
    @Test
    void aRecordedMessageHandedOverAfterTheStopIsNotCountedLost() {
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage m = message("late", "id-late", "0");
            m.setId(7);
            assertThat(held.admit(connection, "test/x", m, 7, false)).isTrue();
            held.stop();
            held.keep(new HeldMessages.Held(connection, "test/x", m, 0), () -> false);
            assertThat(journal.size()).as("kept for the next start").isEqualTo(1);
            assertThat(counters.undelivered.sum()).isZero();
        }
    }

    /**
     * A message too large for a record is held in memory only; admitted but not yet handed over
     * when the bridge stops, it is lost and must be counted (as one in the line is). It was not:
     * stop() counted every admitted message as one the journal keeps, and logged it so.
     */
    @Test
    void anUnrecordedMessageAdmittedButNotHandedOverAtTheStopIsCountedLost() {
        try (HeldJournal journal = journal()) {
            HeldMessages held = line(journal);
            MqttMessage big = message("big", "x".repeat(HeldRecordDescriptor.TOPIC_AND_PROPERTIES), "0");
            big.setId(1);
            assertThat(held.admit(connection, "test/x", big, 1, false)).isTrue();
            assertThat(journal.size()).isZero();
            held.stop();
            assertThat(counters.undelivered.sum()).isEqualTo(1);
        }
    }

    private HeldJournal journal() {
        return HeldJournal.open(ipc.service(MessageQueueService.class), STORE, 64, QueueDurability.GROUP);
    }

    private HeldMessages line(HeldJournal journal) {
        HeldMessages held = new HeldMessages("gw-j", router, counters, journal);
        held.connecting(connection);
        return held;
    }

    /** Restores what was recovered into a line and lets its thread deliver all of it. */
    private void deliverAll(HeldJournal journal, HeldJournal.Recovered r) throws InterruptedException {
        HeldMessages held = new HeldMessages("gw-j", router, counters, journal);
        held.restore(r.entries());
        Thread t = new Thread(held, "held-journal-test");
        t.start();
        object.awaitTaken(r.entries().size());
        while (journal.size() > 0) {
            Thread.sleep(1);
        }
        held.stop();
        t.join(10_000);
        assertThat(held.size()).isZero();
    }

    /**
     * What a connection's reader and then its callback do with a message on test/x: admit it as it
     * arrives (before its PUBREC), then hand it over to the line.
     */
    private static void takeOver(HeldMessages held, HeldMessages.Receipts connection, MqttMessage m, int packetId,
            boolean duplicate) {
        assertThat(held.admit(connection, "test/x", m, packetId, duplicate)).isTrue();
        held.keep(new HeldMessages.Held(connection, "test/x", m, 0), () -> true);
    }

    private static MqttMessage copy(MqttMessage m) {
        MqttMessage c = new MqttMessage(m.getPayload(), m.getQos(), false, m.getProperties());
        c.setId(m.getId());
        return c;
    }

    private static MqttMessage message(String payload, String id, String priority) {
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty(UserProperties.ID, id),
                new UserProperty(UserProperties.PRIORITY, priority)));
        return new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 2, false, p);
    }
}
