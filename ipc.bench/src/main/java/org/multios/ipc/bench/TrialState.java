package org.multios.ipc.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JMH state that owns one {@link Trial}: set-up opens the trial and has the subclass open what
 * its benchmark needs in it ({@link #open}); tear-down closes all of it, last taken first (the
 * child JVM or the loop thread before the objects they use). The subclass keeps in fields only
 * what its measured method uses.
 */
@State(Scope.Thread)
public abstract class TrialState {
    private Trial trial;

    /**
     * Opens what the benchmark needs in the trial, taking each resource with {@link Trial#own}
     * (or {@link Trial#openIpc}, {@link Trial#startChild}, {@link Trial#startLoop}); if it throws,
     * what it had taken is closed.
     */
    protected abstract void open(Trial trial) throws Exception;

    /** The trial's root: a fresh directory on /dev/shm where it exists. */
    protected BenchRoot newRoot() {
        return new BenchRoot();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        trial = Trial.open(newRoot(), this::open);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trial.close();
    }
}
