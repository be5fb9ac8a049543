package org.multios.ipc.bench;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;

/**
 * What one benchmark trial owns: a fresh IPC root and what its state opened in it (an IPC
 * context, objects, a child JVM, a background loop, channels). {@link #close()} ends them in the
 * reverse order they were taken, every one even when another fails, and removes the root last; a
 * set-up that fails closes what it had taken, so a state's tear-down only ever meets a whole trial.
 */
public final class Trial implements AutoCloseable {
    /** The steps that set a trial up. */
    @FunctionalInterface
    public interface SetUp<E extends Exception> {
        /** Opens what the state needs, taking each resource with {@link Trial#own} (or a method that does). */
        void run(Trial trial) throws E;
    }

    private final BenchRoot root;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    private Trial(BenchRoot root) {
        this.root = root;
    }

    /** A trial in a fresh root ({@link BenchRoot#BenchRoot()}), set up by {@code setUp}. */
    public static <E extends Exception> Trial open(SetUp<E> setUp) throws E {
        return open(new BenchRoot(), setUp);
    }

    /** A trial in {@code root}, which it removes at the end, set up by {@code setUp}. */
    public static <E extends Exception> Trial open(BenchRoot root, SetUp<E> setUp) throws E {
        Trial trial = new Trial(root);
        try {
            setUp.run(trial);
            return trial;
        } catch (Throwable t) {
            try {
                trial.close();
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    /** The trial's IPC root directory. */
    public Path root() {
        return root.path();
    }

    /** Takes {@code resource}: it is closed before everything taken earlier. */
    public <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    /** Opens an IPC context on the root, with the default limits, and takes it. */
    public IpcContext openIpc() {
        return own(Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults())));
    }

    /** Starts a child JVM ({@link ChildJvm#start}) logging to {@code echo-child.log} in the root, and takes it. */
    public ChildJvm startChild(Class<?> main, List<String> jvmOptions, String... args) {
        return own(ChildJvm.start(main, jvmOptions, root.path().resolve("echo-child.log"), args));
    }

    /**
     * Starts a {@link BackgroundLoop} and takes it: closing the trial stops it, running {@code wake}
     * to unblock its step.
     */
    public BackgroundLoop startLoop(String name, BackgroundLoop.Step step, Runnable onFailure, Runnable wake) {
        BackgroundLoop loop = BackgroundLoop.start(name, step, onFailure);
        own(() -> loop.stop(wake));
        return loop;
    }

    /**
     * Closes what was taken, last first, then removes the root.
     *
     * @throws IllegalStateException (or the first close's own runtime exception) if a close
     *                               failed; later failures are suppressed in it
     */
    @Override
    public void close() {
        Exception first = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                first = keep(first, e);
            }
        }
        try {
            root.close();
        } catch (RuntimeException e) {
            first = keep(first, e);
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first != null) {
            throw new IllegalStateException("closing the trial in " + root.path() + " failed", first);
        }
    }

    /** Closes without throwing: the trial is ending, or has failed already. */
    public static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing to stop; nothing to save
            }
        }
    }

    private static Exception keep(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
