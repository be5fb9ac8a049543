package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/** Operations run on a thread of their own, expected to block: tests that revoke or close under them. */
public final class BlockedCalls {
    private BlockedCalls() {
    }

    /** Starts {@code call} on a named daemon thread that completes {@code result} with its outcome. */
    public static <T> Thread start(String name, CompletableFuture<T> result, Callable<? extends T> call) {
        Thread t = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits (at most 20 s) for the call to end and asserts that it failed with PERMISSION_DENIED. */
    public static void assertDenied(CompletableFuture<?> result) throws Exception {
        try {
            throw new AssertionError("expected PERMISSION_DENIED, got " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        }
    }
}
