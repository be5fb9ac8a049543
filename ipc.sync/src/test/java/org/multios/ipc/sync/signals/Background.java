package org.multios.ipc.sync.signals;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A test action on a thread of its own, named, whose result the test takes with a bounded wait. */
final class Background<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Background(String name, Callable<T> action) {
        thread = new Thread(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    static <T> Background<T> call(String name, Callable<T> action) {
        return new Background<>(name, action);
    }

    static Background<Void> run(String name, Runnable action) {
        return new Background<>(name, () -> {
            action.run();
            return null;
        });
    }

    Thread thread() {
        return thread;
    }

    /** The action's result, failing the test if it does not end within {@link TestProcesses#WAIT}. */
    T get() throws InterruptedException, ExecutionException {
        try {
            return result.get(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not end within " + TestProcesses.WAIT);
        }
    }
}
