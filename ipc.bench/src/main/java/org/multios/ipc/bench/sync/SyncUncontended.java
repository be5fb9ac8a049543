package org.multios.ipc.bench.sync;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Uncontended acquire and release, one thread, nothing ever waits: a named and an anonymous
 * semaphore ({@code tryAcquire} + {@code release}) against {@link java.util.concurrent.Semaphore},
 * and a named mutex (default options: robust, not recursive; {@code lock} + {@code unlock})
 * against {@link ReentrantLock}, in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncUncontended {
    private BenchRoot root;
    private IpcContext ipc;
    private Semaphore namedSemaphore;
    private Semaphore anonymousSemaphore;
    private Mutex mutex;
    private final java.util.concurrent.Semaphore jdkSemaphore = new java.util.concurrent.Semaphore(1);
    private final ReentrantLock jdkLock = new ReentrantLock();

    @Setup(Level.Trial)
    public void setUp() {
        root = new BenchRoot();
        ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
        SyncService sync = ipc.service(SyncService.class);
        namedSemaphore = sync.createSemaphore("uncontended", SemaphoreOptions.of(1), 0600);
        anonymousSemaphore = sync.createSemaphore(1);
        mutex = sync.createMutex("uncontended", MutexOptions.DEFAULT, 0600);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ipc.close();
        root.close();
    }

    /** tryAcquire + release on a named semaphore. */
    @Benchmark
    public void namedSemaphore(Blackhole bh) {
        bh.consume(namedSemaphore.tryAcquire());
        namedSemaphore.release();
    }

    /** tryAcquire + release on an anonymous semaphore. */
    @Benchmark
    public void anonymousSemaphore(Blackhole bh) {
        bh.consume(anonymousSemaphore.tryAcquire());
        anonymousSemaphore.release();
    }

    /** Peer: tryAcquire + release on a j.u.c.Semaphore. */
    @Benchmark
    public void jdkSemaphore(Blackhole bh) {
        bh.consume(jdkSemaphore.tryAcquire());
        jdkSemaphore.release();
    }

    /** lock + unlock of a named mutex. */
    @Benchmark
    public LockResult mutex() {
        LockResult r = mutex.lock();
        mutex.unlock();
        return r;
    }

    /** Peer: lock + unlock of a ReentrantLock. */
    @Benchmark
    public void jdkReentrantLock() {
        jdkLock.lock();
        jdkLock.unlock();
    }
}
