package org.multios.ipc.mqtt.internal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LogText;
import org.multios.ipc.spi.MappedAccessFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound messages of QoS 1 and 2, in arrival order: this line's thread
 * ({@code ipc-mqtt-<client>-held}) delivers each, resuming at the object that was full, until each
 * is taken, and acknowledges each once taken, so the client's callback thread never waits for an
 * object. A QoS 2 message must be kept: the MQTT client took it over from the broker when it
 * arrived (its PUBREC goes out before the bridge sees the message), so the broker never sends it
 * again. Each is therefore {@link #admit admitted} on the client's reader before that PUBREC and
 * recorded in the bridge's {@link HeldJournal}, and leaves the journal once delivered: what a bridge
 * stopped or a gateway killed still held is {@link #restore restored} at the next start, first. A
 * QoS 1 message stays unacknowledged while kept; if its connection ends first, the broker sends it
 * again after the reconnect and the copy joins the line (the objects that took the first recognise
 * its id; a foreign message without one may be delivered twice, as QoS 1 allows). QoS 0 messages
 * are not kept: they go straight to their objects or are dropped.
 * <p>
 * The client hands the callback what its reader admitted in the same order, but drops what it
 * queued for the callback when a connection ends: when the next connection is {@link #connecting
 * made}, what the previous one admitted and never handed over joins the line, after everything
 * that connection delivered and before anything of the next, so the line keeps the journal's order.
 * <p>
 * Bounded without holding the callback thread up while the client has a QoS 2 message queued behind
 * it: once {@link #MAX} are kept, the client's reader waits at {@link #awaitRoom} before it takes over
 * the next QoS 2 message, so the broker holds what follows (should the connection end meanwhile, that
 * message stays the broker's and comes again). A callback waits only once {@link #LIMIT} are kept
 * (QoS 1 messages beyond), more than a QoS 2 message admitted below {@link #MAX} can find, as the
 * client queues at most 10 messages for its callback. A QoS 2 message the journal could not record
 * (too long a topic or too many properties, see {@link HeldJournal}) is kept in memory only: still
 * held when the bridge stops, it is counted as undelivered and logged. Thread-safe.
 */
final class HeldMessages implements Runnable {
    /** Messages kept before the client's reader waits to take over a QoS 2 message. */
    static final int MAX = 224;
    /**
     * Messages kept before a callback waits for room: more than {@link #MAX} plus the 10 messages
     * the client queues for its callback, so no QoS 2 message it took over is queued behind a
     * waiting callback.
     */
    static final int LIMIT = MAX + 32;
    private static final Logger LOG = LoggerFactory.getLogger(HeldMessages.class);
    private static final long WAIT_SLICE_MILLIS = 100;
    /** How often, at most, the line logs that its head still finds no room. */
    private static final long STILL_HELD_LOG_MILLIS = 60_000;
    private static final String NOT_RECOGNISED = "the broker's copies of the last messages may be delivered again "
            + "after a restart";
    private static final String AGAIN_AFTER_RESTART = "a delivered message may be delivered again after a restart";

    /** Tells the connection that received a message that it was delivered. */
    interface Receipts {
        /** {@code message}, of QoS 1 or 2, was delivered to every object that should have it. */
        void delivered(MqttMessage message);
    }

    /** The receipts of a message no connection waits to hear of: one read back from the journal. */
    static final Receipts NO_RECEIPTS = message -> { };

    /**
     * A message kept, the receipts of the connection that received it, the route its delivery
     * resumes at and its {@link HeldJournal} record ({@link HeldJournal#NOT_RECORDED} if none).
     */
    record Held(Receipts receipts, String topic, MqttMessage message, int route, long record) {
        /** A message the journal does not hold. */
        Held(Receipts receipts, String topic, MqttMessage message, int route) {
            this(receipts, topic, message, route, HeldJournal.NOT_RECORDED);
        }

        Held resumingAt(int at) {
            return new Held(receipts, topic, message, at, record);
        }
    }

    private final String bridge;
    private final InboundRouter router;
    private final BridgeCounters counters;
    private final HeldJournal journal;
    private final ArrayDeque<Held> line = new ArrayDeque<>();
    /** QoS 2 messages the current connection's reader admitted and its callback did not yet hand over, in order. */
    private final ArrayDeque<Admitted> admitted = new ArrayDeque<>();
    /**
     * Per earlier connection, the packet ids of what it admitted and never handed over: they joined
     * the line at {@link #connecting}, and its callback's late hand-over of one is dropped. Kept for
     * every earlier connection whose client is still reachable (weakly: its callback thread may
     * hand over its last message after more clients were made), not only the previous one.
     */
    private final Map<Receipts, Set<Integer>> adopted = new WeakHashMap<>();
    /** The receipts of the connection whose reader may admit messages; null before the first. */
    private Receipts connection;
    private final Resends resends = new Resends();
    private final LogLimiter faultLog = new LogLimiter(1000);
    private final LogLimiter stillHeldLog = new LogLimiter(STILL_HELD_LOG_MILLIS);
    private final LogLimiter journalLog = new LogLimiter(STILL_HELD_LOG_MILLIS);
    private boolean running = true;
    private boolean delivering;

    /** A line whose QoS 2 messages are recorded in {@code journal} (null: in memory only). */
    HeldMessages(String bridge, InboundRouter router, BridgeCounters counters, HeldJournal journal) {
        this.bridge = bridge;
        this.router = router;
        this.counters = counters;
        this.journal = journal;
    }

    /**
     * Puts messages a previous run recorded and did not deliver at the head of the line, in order,
     * and remembers them, and what the journal kept of the last ones recorded, to recognise the
     * broker's copies.
     */
    synchronized void restore(List<HeldJournal.Entry> entries) {
        try {
            if (journal != null && !journal.recall(resends)) {
                LOG.warn("bridge {}: the held journal's list of recent messages is not one; {}", bridge, NOT_RECOGNISED);
            }
        } catch (IpcException e) {
            journalFailed(NOT_RECOGNISED, e);
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            HeldJournal.Entry e = entries.get(i);
            line.addFirst(new Held(NO_RECEIPTS, e.topic(), e.message(), 0, e.sequence()));
        }
        for (HeldJournal.Entry e : entries) {
            resends.recorded(e.packetId(), e.topic(), e.message());
        }
        notifyAll();
    }

    /**
     * A new connection's client is made: what the previous one admitted and never handed to its
     * callback (it dropped it as the connection ended, after its PUBREC) joins the line; from now
     * on only {@code receipts}' reader may admit messages.
     */
    synchronized void connecting(Receipts receipts) {
        Set<Integer> orphans = new HashSet<>();
        for (Admitted a : admitted) {
            Held h = a.held();
            if (!a.resend()) {
                line.addLast(new Held(NO_RECEIPTS, h.topic(), h.message(), 0, h.record()));
            }
            orphans.add(a.packetId());
        }
        admitted.clear();
        if (!orphans.isEmpty()) {
            adopted.put(connection, orphans);
        }
        connection = receipts;
        notifyAll();
    }

    /**
     * Records a QoS 2 message on the client's reader, before the client takes it over; the callback
     * hands it over by its packet id, unique among the connection's messages not yet completed. The
     * broker's copy of a message already recorded (sent again, {@code duplicate} set, because the
     * PUBREC of the first was lost with its connection: {@link Resends}) is not recorded: it is
     * answered, counted as a duplicate and dropped when handed over.
     *
     * @return false if the bridge stopped or {@code receipts}' connection is no longer the one
     *         that may admit messages: the message is not to be taken over
     */
    synchronized boolean admit(Receipts receipts, String topic, MqttMessage message, int packetId,
            boolean duplicate) {
        if (!running || receipts != connection) {
            return false;
        }
        boolean resend = resends.isResend(packetId, duplicate, topic, message);
        long r = resend ? HeldJournal.NOT_RECORDED : record(topic, message, packetId);
        if (r != HeldJournal.NOT_RECORDED) {
            resends.recorded(packetId, topic, message);
        }
        admitted.addLast(new Admitted(packetId, resend, new Held(receipts, topic, message, 0, r)));
        return true;
    }

    /** A message admitted on the reader, by its packet id; {@code resend}: the broker's copy of one recorded before. */
    private record Admitted(int packetId, boolean resend, Held held) {
    }

    /** Records a message in the journal; a journal that failed holds nothing more, which is logged. */
    private long record(String topic, MqttMessage message, int packetId) {
        if (journal == null) {
            return HeldJournal.NOT_RECORDED;
        }
        try {
            long r = journal.append(topic, message, packetId);
            if (r == HeldJournal.NOT_RECORDED && journalLog.allow()) {
                LOG.warn("bridge {}: a QoS 2 message on {} is held in memory only: the held journal is full or its "
                        + "topic and properties take more than {} bytes", bridge, LogText.of(topic),
                        HeldRecordDescriptor.TOPIC_AND_PROPERTIES);
            }
            return r;
        } catch (IpcException e) {
            journalFailed("QoS 2 messages are held in memory only", e);
        } catch (InternalError e) {
            journalFailed("QoS 2 messages are held in memory only", MappedAccessFaults.survivable(e));
        }
        return HeldJournal.NOT_RECORDED;
    }

    private void journalFailed(String what, Throwable e) {
        if (journalLog.allow()) {
            LOG.error("bridge {}: the held journal failed; {}: {}", bridge, what, e.getMessage());
        }
    }

    /** Messages kept. */
    synchronized int size() {
        return line.size();
    }

    /**
     * Waits, on the client's reader thread before it takes over a QoS 2 message, while {@link #MAX}
     * are kept.
     *
     * @return true if there is room; false if the bridge stopped, {@code connected} says the
     *         receiving connection is no longer the bridge's, or the thread was interrupted first:
     *         the message is then not to be taken over (its client may have torn its state down)
     */
    synchronized boolean awaitRoom(BooleanSupplier connected) {
        while (running && line.size() >= MAX) {
            if (!connected.getAsBoolean()) {
                return false;
            }
            try {
                wait(WAIT_SLICE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running && connected.getAsBoolean();
    }

    /**
     * Keeps a message at the end of the line, first waiting while {@link #LIMIT} are kept, the
     * bridge runs, {@code connected} says the receiving connection is still the bridge's and the
     * calling thread is not interrupted (a client run on an executor interrupts its callback thread
     * when the connection breaks).
     */
    synchronized void keep(Held message, BooleanSupplier connected) {
        boolean interrupted = Thread.interrupted();
        while (!interrupted && line.size() >= LIMIT && running && connected.getAsBoolean()) {
            try {
                wait(WAIT_SLICE_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;  // the client stops its callback thread this way before it tells of the loss
            }
        }
        Held h = message.message().getQos() == 2 ? handedOver(message) : message;
        if (h != null && running) {
            line.addLast(h);
            notifyAll();
        } else if (h != null && lost(h)) {
            counters.undelivered.increment();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The line's entry of a QoS 2 message the callback hands over: with the record of its admitted
     * entry; null if a previous connection's, which joined the line when the next was made, the
     * broker's copy of one recorded before, or admitted before the bridge stopped ({@link #stop}
     * counted it); the message itself if no reader admitted it.
     */
    private Held handedOver(Held message) {
        int id = message.message().getId();
        if (message.receipts() != connection) {
            Set<Integer> orphans = adopted.get(message.receipts());
            return orphans != null && orphans.remove(id) ? null : message;
        }
        for (Iterator<Admitted> i = admitted.iterator(); i.hasNext(); ) {
            Admitted a = i.next();
            if (a.packetId() == id) {
                i.remove();
                if (a.resend()) {
                    counters.duplicates.increment();
                    message.receipts().delivered(message.message());  // answered: its first copy is held
                    return null;
                }
                return running ? new Held(message.receipts(), message.topic(), message.message(), message.route(),
                        a.held().record()) : null;  // after the stop, which counted it
            }
        }
        return message;
    }

    /** Whether a message dropped from the line is lost: of QoS 2 and not in the journal. */
    private static boolean lost(Held h) {
        return h.message().getQos() == 2 && h.record() == HeldJournal.NOT_RECORDED;
    }

    /** Delivers the line's head, again and again, until stopped. */
    @Override
    public void run() {
        Held head;
        while ((head = awaitHead()) != null) {
            int stopped;
            try {
                stopped = router.resume(head.topic(), head.message(), head.route());
            } catch (InternalError e) {
                // a fault of a mapping (an object's file truncated) delivered after its call
                // returned: the head is tried again (its objects recognise it by id if it got in)
                InternalError fault = MappedAccessFaults.survivable(e);
                if (faultLog.allow()) {
                    LOG.error("bridge {}: a fault of a mapped file came after its call returned: {}", bridge,
                            fault.getMessage());
                }
                stopped = head.route();
            }
            if (stopped == InboundRouter.DONE) {
                forget(head);
                taken();
                complete(head.receipts(), head.message());
            } else {
                keptAt(head, stopped);
                if (stillHeldLog.allow()) {
                    LOG.warn("bridge {}: {} message(s) held: {} has no room; they go in order once it has", bridge,
                            size(), router.object(stopped));
                }
            }
        }
    }

    /**
     * Ends {@link #run} once its delivery returns. What is still kept stays in the journal for the
     * next start; a QoS 2 message the journal does not hold is counted undelivered.
     */
    void stop() {
        int lost;
        int recorded;
        synchronized (this) {
            if (!running) {
                return;  // counted at the first stop
            }
            running = false;
            boolean first = true;
            lost = 0;
            recorded = 0;
            for (Admitted a : admitted) {
                if (!a.resend()) {  // the broker's copy of one held or delivered: nothing of its own to lose
                    lost += lost(a.held()) ? 1 : 0;
                    recorded += a.held().record() != HeldJournal.NOT_RECORDED ? 1 : 0;
                }
            }
            for (Held h : line) {  // the head being delivered is counted by its outcome
                if (!(first && delivering)) {
                    lost += lost(h) ? 1 : 0;
                    recorded += h.record() != HeldJournal.NOT_RECORDED ? 1 : 0;
                }
                first = false;
            }
            line.clear();  // what was admitted stays listed: a late hand-over finds its record there
            notifyAll();
            keepResends();
        }
        if (recorded > 0) {
            LOG.info("bridge {}: {} message(s) of QoS 2 held for full objects stay in the held journal; they are "
                    + "delivered first at the next start", bridge, recorded);
        }
        if (lost > 0) {
            counters.undelivered.add(lost);
            LOG.error("bridge {}: {} message(s) of QoS 2 held in memory only were not delivered before the bridge "
                    + "stopped", bridge, lost);
        }
    }

    /** Keeps the list of the last messages recorded in the journal, for the next start. */
    private void keepResends() {
        if (journal == null) {
            return;
        }
        try {
            journal.keep(resends);
        } catch (IpcException e) {
            journalFailed(NOT_RECOGNISED, e);
        } catch (InternalError e) {
            journalFailed(NOT_RECOGNISED, MappedAccessFaults.survivable(e));
        }
    }

    /** Takes a delivered message's record out of the journal. */
    private void forget(Held head) {
        if (head.record() == HeldJournal.NOT_RECORDED) {
            return;
        }
        try {
            journal.remove(head.record());
        } catch (IpcException e) {
            journalFailed(AGAIN_AFTER_RESTART, e);
        } catch (InternalError e) {
            journalFailed(AGAIN_AFTER_RESTART, MappedAccessFaults.survivable(e));
        }
    }

    /** Tells {@code receipts} a message was delivered; a closed connection has nothing to be told any more. */
    private static void complete(Receipts receipts, MqttMessage message) {
        try {
            receipts.delivered(message);
        } catch (RuntimeException gone) {
            // the connection that received it is closed
        }
    }

    private synchronized Held awaitHead() {
        while (running && line.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        delivering = running;
        return running ? line.peekFirst() : null;
    }

    private synchronized void taken() {
        delivering = false;
        if (running) {
            line.removeFirst();
            notifyAll();
        }
    }

    private synchronized void keptAt(Held head, int route) {
        delivering = false;
        if (!running) {
            counters.undelivered.add(lost(head) ? 1 : 0);  // the line was cleared; a recorded one stays in the journal
        } else if (route != head.route()) {
            line.removeFirst();
            line.addFirst(head.resumingAt(route));
        }
    }
}
