package org.multios.ipc.bench.security;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Priority;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.security.internal.SecurityCaller;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.internal.SyncMechanism;
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
 * The cost of security on a call: a semaphore post/wait pair and a queue send/receive pair on
 * handles opened through ipc.security's caller context (with rules in force) against the same
 * calls on handles opened through a plain POSIX caller context, in the same run. There is no
 * proxy: the guard decides at open and each operation tests the handle's grant in both cases,
 * so the ratio should be 1.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardOverhead {
    private BenchRoot root;
    private SyncMechanism sync;
    private MessageQueueMechanism queues;
    private Semaphore guardedSemaphore;
    private Semaphore plainSemaphore;
    private MessageQueue guardedQueue;
    private MessageQueue plainQueue;
    private final byte[] message = new byte[64];
    private final byte[] buffer = new byte[64];
    private final MessageInfo info = new MessageInfo();

    @Setup(Level.Trial)
    public void setUp() {
        root = new BenchRoot();
        IpcEnvironment env = new IpcEnvironment(root.path(), IpcLimits.defaults());
        sync = new SyncMechanism(env);
        queues = new MessageQueueMechanism(env);
        IpcProcess self = LocalIdentity.currentProcess();
        var guarded = SecurityCaller.standalone(self, List.of("allow * rw queue:bench.*", "deny group:guests * *:*"));
        var plain = PosixCaller.unlimited(self);
        guardedSemaphore = sync.bind(guarded).createSemaphore("guarded", SemaphoreOptions.of(0), 0600);
        plainSemaphore = sync.bind(plain).createSemaphore("plain", SemaphoreOptions.of(0), 0600);
        guardedQueue = queues.bind(guarded).create("bench.guarded", QueueOptions.of(64, 16));
        plainQueue = queues.bind(plain).create("bench.plain", QueueOptions.of(64, 16));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sync.close();
        queues.close();
        root.close();
    }

    /** Post then wait on a semaphore opened through the guard. */
    @Benchmark
    public boolean semaphoreGuarded() {
        guardedSemaphore.release();
        return guardedSemaphore.tryAcquire();
    }

    /** Peer: the same on a semaphore opened without the guard. */
    @Benchmark
    public boolean semaphoreUnguarded() {
        plainSemaphore.release();
        return plainSemaphore.tryAcquire();
    }

    /** Send then receive 64 bytes on a queue opened through the guard. */
    @Benchmark
    public int queueGuarded() {
        guardedQueue.trySend(message, 0, message.length, Priority.DEFAULT);
        return guardedQueue.tryReceive(buffer, 0, buffer.length, info);
    }

    /** Peer: the same on a queue opened without the guard. */
    @Benchmark
    public int queueUnguarded() {
        plainQueue.trySend(message, 0, message.length, Priority.DEFAULT);
        return plainQueue.tryReceive(buffer, 0, buffer.length, info);
    }
}
