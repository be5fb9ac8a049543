package org.multios.ipc.bench.sync;

import static org.multios.ipc.bench.sync.ThreadPingPong.POLL;
import static org.multios.ipc.bench.sync.ThreadPingPong.REPLY_BOUND;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcException;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Signal-to-wake latency of auto-reset events between two threads of one JVM: the benchmark
 * thread signals one event and awaits a second that an echo thread (owned by the state)
 * signals once it woke on the first. One operation is one round trip, two signal-to-wake
 * latencies; sampled, so JMH reports percentiles. Project: two named auto-reset events. Peer
 * in the same run: the same protocol on the JDK's own wake-up primitive, a flag plus
 * {@link LockSupport#park}/{@link LockSupport#unpark} (what j.u.c builds its blocking on).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EventSignalWake {
    /** Two named auto-reset events of the project, with their echo thread. */
    public static class EventPair extends TrialState {
        Event ping;
        Event pong;
        BackgroundLoop echo;

        @Override
        protected void open(Trial t) {
            EventService events = t.openIpc().service(EventService.class);
            ping = events.create("ping", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
            pong = events.create("pong", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
            echo = t.startLoop("sync-bench-echo-event", () -> {
                try {
                    ping.await(POLL);
                } catch (IpcException e) {
                    return BackgroundLoop.continueAfterTimeout(e);
                }
                pong.signal();
                return true;
            }, () -> { }, ping::signal);
        }
    }

    /**
     * An auto-reset event for one waiting thread at a time, on the JDK's primitives: a flag
     * taken back by compare-and-set, and park/unpark of the thread that waits.
     */
    static final class ParkEvent {
        private final AtomicBoolean signalled = new AtomicBoolean();
        private volatile Thread waiter;

        void signal() {
            signalled.set(true);
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /** Waits at most {@code nanos}; returns whether the event was taken. */
        boolean await(long nanos) {
            waiter = Thread.currentThread();
            long deadline = System.nanoTime() + nanos;
            while (!signalled.compareAndSet(true, false)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
            }
            return true;
        }
    }

    /** Two park/unpark events, with their echo thread. */
    @State(Scope.Thread)
    public static class ParkPair {
        final ParkEvent ping = new ParkEvent();
        final ParkEvent pong = new ParkEvent();
        BackgroundLoop echo;

        @Setup(Level.Trial)
        public void setUp() {
            echo = BackgroundLoop.start("sync-bench-echo-park", () -> {
                if (ping.await(POLL.toNanos())) {
                    pong.signal();
                }
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stop(ping::signal);
        }
    }

    /** Project: signal ping, await pong, on named auto-reset events. */
    @Benchmark
    public long autoResetEvents(EventPair p) {
        p.ping.signal();
        try {
            return p.pong.await(REPLY_BOUND);
        } catch (IpcException e) {
            IllegalStateException x = p.echo.noReply("event");
            x.addSuppressed(e);
            throw x;
        }
    }

    /** Peer: the same with a flag and park/unpark. */
    @Benchmark
    public void jdkParkUnpark(ParkPair p) {
        p.ping.signal();
        if (!p.pong.await(REPLY_BOUND.toNanos())) {
            throw p.echo.noReply("park/unpark");
        }
    }
}
