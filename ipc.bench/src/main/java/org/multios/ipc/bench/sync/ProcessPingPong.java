package org.multios.ipc.bench.sync;

import static org.multios.ipc.bench.sync.ThreadPingPong.REPLY_BOUND;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.bench.ChildJvm;
import org.multios.ipc.bench.SocketEcho;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Wake-up latency between two OS processes: the benchmark thread posts a ping and waits for
 * the pong that an {@link EchoChild} in a child JVM (started for the trial) posts back. One
 * operation is one round trip; sampled, so JMH reports percentiles. Project: two named
 * semaphores. Peer in the same run: a blocking JDK Unix-domain socket carrying 1-byte
 * messages to a child that writes each byte back.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessPingPong {
    /** Named semaphores shared with a child JVM that echoes on them. */
    public static class SemaphoreChild extends TrialState {
        Semaphore ping;
        Semaphore pong;
        ChildJvm child;

        @Override
        protected void open(Trial t) {
            SyncService sync = t.openIpc().service(SyncService.class);
            ping = sync.createSemaphore("ping", SemaphoreOptions.of(0), 0600);
            pong = sync.createSemaphore("pong", SemaphoreOptions.of(0), 0600);
            child = t.startChild(EchoChild.class, List.of(), "semaphore", t.root().toString(), "ping", "pong");
            // the child posts pong once when it has opened both semaphores
            child.awaitReady("open the semaphores", timeout -> pong.acquire(timeout));
            ChildJvm.settle(this::roundTrip);
        }

        /** Posts ping and waits for pong. */
        void roundTrip() {
            ping.release();
            try {
                pong.acquire(REPLY_BOUND);
            } catch (IpcException e) {
                throw child.noReply(REPLY_BOUND, e);
            }
        }
    }

    /** A Unix-domain socket connected to a child JVM that echoes on it. */
    public static class SocketChild extends TrialState {
        SocketEcho echo;
        final ByteBuffer out = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(1);

        @Override
        protected void open(Trial t) throws IOException {
            echo = t.own(SocketEcho.start(t.root(), EchoChild.class, List.of(), "socket"));
            ChildJvm.settle(this::roundTrip);
        }

        /** Sends one byte and reads its echo. */
        void roundTrip() {
            try {
                ThreadPingPong.roundTrip(echo.channel(), out, in);
            } catch (IOException e) {
                throw echo.failure(e);
            }
        }
    }

    /** Project: post ping, wait for pong, on named semaphores shared with the child. */
    @Benchmark
    public void semaphores(SemaphoreChild c) {
        c.roundTrip();
    }

    /** Peer: one byte each way over a Unix-domain socket to the child. */
    @Benchmark
    public void unixSocket(SocketChild c) {
        c.roundTrip();
    }
}
