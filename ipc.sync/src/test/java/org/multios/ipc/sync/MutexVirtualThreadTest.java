package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.VirtualThreads;

/**
 * A robust mutex names its holder by an operating-system thread, so that any process can tell a
 * holder that died. A virtual thread (Java 21 and later; skipped on Java 17) has none of its own:
 * the carrier that runs it changes, runs other virtual threads, and may end while it lives. Before,
 * a virtual thread locked under its carrier's word: two virtual threads that had run on one
 * carrier were each "the holder" (either could unlock, or lock again, the other's mutex), and a
 * live holder was judged dead once its carrier retired. Now the lock is refused, UNSUPPORTED,
 * and nothing is held.
 */
@Timeout(30)
class MutexVirtualThreadTest extends SyncTestSupport {

    private static <T> T onAVirtualThread(java.util.function.Supplier<T> what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        VirtualThreads.start(() -> {
            try {
                result.complete(what.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aVirtualThreadIsRefusedTheLockAndHoldsNothing() throws Exception {
        Mutex m = sync(context()).createMutex(MutexOptions.DEFAULT);
        String refused = onAVirtualThread(() -> {
            try {
                m.lock();
                return "locked";
            } catch (IpcException e) {
                return e.error() + ": " + e.getMessage() + "; held " + m.isHeldByCurrentThread();
            }
        });
        assertThat(refused).startsWith(IpcError.UNSUPPORTED + ": ").contains("virtual thread").endsWith("; held false");
        assertThat(m.owner()).isEmpty();
        assertThat(m.tryLock()).as("a platform thread locks it").isEqualTo(LockResult.ACQUIRED);
        assertThat(onAVirtualThread(m::isHeldByCurrentThread)).as("a virtual thread is never the holder").isFalse();
        m.unlock();
    }
}
