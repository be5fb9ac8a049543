package org.multios.ipc.bench.shm;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemoryService;
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
 * An atomic getAndAdd on a word of a mapped segment (through the checked {@link Mapping}),
 * against {@link AtomicLong#getAndAdd} on the heap, uncontended, in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SharedMemoryAtomics {
    private BenchRoot root;
    private IpcContext ipc;
    private Mapping mapping;
    private final AtomicLong heap = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        root = new BenchRoot();
        ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
        mapping = ipc.service(SharedMemoryService.class).create("atomics", 4096, 0600).map(MapAccess.READ_WRITE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ipc.close();
        root.close();
    }

    /** getAndAdd on a shared word. */
    @Benchmark
    public long segmentGetAndAdd() {
        return mapping.getAndAddLong(64, 1);
    }

    /** Peer: getAndAdd on a heap AtomicLong. */
    @Benchmark
    public long atomicLongGetAndAdd() {
        return heap.getAndAdd(1);
    }
}
