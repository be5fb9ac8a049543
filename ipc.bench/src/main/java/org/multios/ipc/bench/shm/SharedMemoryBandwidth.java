package org.multios.ipc.bench.shm;

import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk copies between a heap array and a mapped named segment, against
 * {@link System#arraycopy} between two heap arrays of the same size (the memory's limit), in
 * the same run. Throughput in operations per second; bytes per second = ops/s x size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SharedMemoryBandwidth {
    @Param({ "4096", "1048576" })
    int size;

    private BenchRoot root;
    private IpcContext ipc;
    private SharedMemory segment;
    private Mapping mapping;
    private byte[] source;
    private byte[] target;

    @Setup(Level.Trial)
    public void setUp() {
        root = new BenchRoot();
        ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
        segment = ipc.service(SharedMemoryService.class).create("bandwidth", size, 0600);
        mapping = segment.map(MapAccess.READ_WRITE);
        source = new byte[size];
        target = new byte[size];
        for (int i = 0; i < size; i++) {
            source[i] = (byte) i;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ipc.close();
        root.close();
    }

    /** Heap to segment. */
    @Benchmark
    public Mapping writeSegment() {
        mapping.write(0, source, 0, size);
        return mapping;
    }

    /** Segment to heap. */
    @Benchmark
    public byte[] readSegment() {
        mapping.read(0, target, 0, size);
        return target;
    }

    /** Peer: heap to heap, the same number of bytes. */
    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(source, 0, target, 0, size);
        return target;
    }
}
