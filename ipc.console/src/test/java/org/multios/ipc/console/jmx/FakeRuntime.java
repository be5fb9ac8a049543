package org.multios.ipc.console.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/** An IpcRuntime whose objects the test sets; it can be made to fail. */
final class FakeRuntime implements IpcRuntime {
    static final IpcProcess CREATOR = new IpcProcess(ProcessKind.BUNDLE, 7, "fixture", 4242, 0, "alice",
            Set.of("staff"));

    private volatile List<ObjectInfo> objects = List.of();
    private volatile RuntimeException failure;
    private volatile CountDownLatch pauseEntered;
    private volatile CountDownLatch pauseRelease;
    final AtomicInteger queries = new AtomicInteger();
    /** Whether the paused query found its thread interrupted. */
    volatile boolean pausedQueryInterrupted;

    /** An object whose counter c has the value base + ordinal of c, with wait times from base too. */
    static ObjectInfo object(ObjectType type, long id, String name, long base) {
        long[] c = new long[Counter.values().length];
        for (Counter counter : Counter.values()) {
            c[counter.ordinal()] = base + counter.ordinal();
        }
        WaitTimes w = new WaitTimes(base + 1, base + 50, base + 90, base + 99, base + 999, base + 5000);
        return new ObjectInfo(type, id, Optional.ofNullable(name), CREATOR, new Permissions("alice", "staff", 0640),
                4096 + id, name != null, Statistics.of(c, w));
    }

    void set(ObjectInfo... infos) {
        objects = List.of(infos);
    }

    void add(ObjectInfo info) {
        List<ObjectInfo> l = new ArrayList<>(objects);
        l.add(info);
        objects = List.copyOf(l);
    }

    void remove(ObjectType type, long id) {
        objects = objects.stream().filter(o -> !(o.type() == type && o.id() == id)).toList();
    }

    void failWith(RuntimeException e) {
        failure = e;
    }

    /** Makes the next query count {@code entered} down, then wait (at most 20 s) until {@code release} opens. */
    void pauseNextQuery(CountDownLatch entered, CountDownLatch release) {
        pauseEntered = entered;
        pauseRelease = release;
    }

    @Override
    public IpcProcess currentProcess() {
        return CREATOR;
    }

    @Override
    public List<IpcProcess> processes() {
        return List.of(CREATOR);
    }

    @Override
    public int connectionCount() {
        return 0;
    }

    @Override
    public List<ObjectInfo> objects() {
        queries.incrementAndGet();
        CountDownLatch release = pauseRelease;
        if (release != null) {
            pauseRelease = null;
            pauseEntered.countDown();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the paused query was not released within 20 s");
                }
            } catch (InterruptedException e) {
                pausedQueryInterrupted = true;
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return objects;
    }

    @Override
    public List<ObjectInfo> objects(ObjectType type) {
        return objects().stream().filter(o -> o.type() == type).toList();
    }

    @Override
    public Optional<ObjectInfo> object(ObjectType type, String name) {
        return objects(type).stream().filter(o -> o.name().filter(name::equals).isPresent()).findFirst();
    }

    @Override
    public IpcLimits limits() {
        return IpcLimits.defaults();
    }

    @Override
    public List<ObjectInfo> collectStale() {
        return List.of();
    }
}
