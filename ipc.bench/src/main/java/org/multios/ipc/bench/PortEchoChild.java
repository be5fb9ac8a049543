package org.multios.ipc.bench;

import java.time.Duration;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.WaitStrategy;
import org.openjdk.jmh.annotations.Param;

/**
 * The project's side of a cross-process message round trip, as a JMH state: message ports
 * (queues, a channel end) shared with a child JVM that echoes every message, blocking calls that
 * wait as {@code wait} says. A benchmark's state extends it: it opens the ports and starts the
 * child in {@link #open}, then hands them to {@link #echo}.
 */
public abstract class PortEchoChild extends TrialState {
    /** How long a reply may take before the child is declared dead. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);

    /** The ports' wait strategy, as {@link WaitStrategy#parse} reads it (the child opens them with it). */
    @Param({"block", "adaptive", "spin"})
    public String wait;

    private final int size;
    private final byte[] out;
    private final byte[] in;
    private final MessageInfo info = new MessageInfo();
    private MessagePort sending;
    private MessagePort receiving;
    private ChildJvm child;

    /** Messages of {@code size} bytes. */
    protected PortEchoChild(int size) {
        this.size = size;
        this.out = new byte[size];
        this.in = new byte[size];
    }

    /** The strategy the ports are made with: {@code wait}. */
    protected final WaitStrategy waitStrategy() {
        return WaitStrategy.parse(wait);
    }

    /**
     * Waits until the child, once it has opened its side, sends one byte to {@code receiving},
     * then bounces messages for {@link ChildJvm#SETTLE_NANOS}.
     *
     * @param opening what the child does before it is ready, for the error if it never is
     */
    protected final void echo(MessagePort sending, MessagePort receiving, ChildJvm child, String opening) {
        this.sending = sending;
        this.receiving = receiving;
        this.child = child;
        child.awaitReady(opening, timeout -> receiving.receive(in, 0, size, info, timeout));
        ChildJvm.settle(this::roundTrip);
    }

    /** Sends one message and waits for its echo. */
    public int roundTrip() {
        sending.send(out, 0, size, 0);
        try {
            return receiving.receive(in, 0, size, info, REPLY_BOUND);
        } catch (IpcException e) {
            throw child.noReply(REPLY_BOUND, e);
        }
    }
}
