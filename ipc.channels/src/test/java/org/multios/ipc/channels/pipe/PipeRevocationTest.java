package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Revoking a pipe end's grant stops its operations that are already waiting: they wake, fail
 * with PERMISSION_DENIED and are audited, and no byte moves through the end after the revocation
 * has returned, not even in a transfer that passed its check just before.
 */
class PipeRevocationTest extends PipeTestSupport {
    private final RecordingCaller victim = RecordingCaller.osUser(1);
    private final RecordingCaller peer = RecordingCaller.osUser(2);

    @Test
    @Timeout(30)
    void aBlockedFifoReaderFailsAtRevokeAndTheBytesWrittenAfterStayForOthers() throws Exception {
        pipes(peer).createNamed("news", 0666);
        PipeReader reader = pipes(victim).openReader("news");
        PipeWriter writer = pipes(peer).openWriter("news");
        Future<Integer> read = start("revoked-fifo-reader", () -> reader.read(new byte[64], 0, 64,
                Duration.ofSeconds(20)));
        awaitWaiting("revoked-fifo-reader");

        victim.revokeAll();
        writer.write(new byte[12], 0, 12);

        assertDenied(read);
        assertThat(victim.denials()).contains("read from pipe 'news'");
        PipeReader other = pipes(peer).openReader("news");
        assertThat(other.read(new byte[64], 0, 64, Duration.ofSeconds(10))).as("the 12 bytes are still there")
                .isEqualTo(12);
    }

    @Test
    @Timeout(30)
    void aFifoWriterBlockedOnAFullPipeFailsAtRevokeAndPushesNothingMore() throws Exception {
        pipes(peer).createNamed("full", 0666);
        PipeReader reader = pipes(peer).openReader("full", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeWriter writer = pipes(victim).openWriter("full");
        byte[] chunk = new byte[4096];
        long filled = 0;
        int n;
        while ((n = writer.tryWrite(chunk, 0, chunk.length)) > 0) {
            filled += n;
        }
        Future<Void> write = start("revoked-fifo-writer", () -> {
            writer.write(new byte[128 * 1024], 0, 128 * 1024);
            return null;
        });
        awaitWaiting("revoked-fifo-writer");

        victim.revokeAll();

        assertDenied(write);
        assertThat(drain(reader)).as("bytes that came through").isEqualTo(filled);
        assertThat(victim.denials()).contains("write to pipe 'full'");
    }

    @Test
    @Timeout(30)
    void aFifoReadThatPassedItsCheckEndsBeforeRevokeReturns() throws Exception {
        StepPause pause = new StepPause();
        pipes(peer).createNamed("window", 0666);
        PipeReader reader = pipes(victim).openReader("window");
        PipeWriter writer = pipes(peer).openWriter("window");
        writer.write(new byte[] { 1, 2, 3 }, 0, 3);
        mechanism.hook(pause.arm(PipeHook.TRANSFER_GRANTED)::accept);
        Future<Integer> read = start("checked-reader", () -> reader.read(new byte[8], 0, 8));
        pause.awaitReached();

        boolean returned = pause.runWhileHeld("revoker", victim::revokeAll);

        assertThat(returned).as("revoke returned while a read that passed its check had not read yet").isFalse();
        assertThat(read.get(20, TimeUnit.SECONDS)).as("that read ends as if before the revocation").isEqualTo(3);
        writer.write(new byte[] { 4 }, 0, 1);
        assertDeniedNow(() -> reader.read(new byte[8], 0, 8));
    }

    @Test
    @Timeout(30)
    void aBlockedUnnamedReaderAndWriterFailAtRevoke() throws Exception {
        PipeSession session = new PipeSession(victim, step -> { });
        UnnamedPipe pipe = new UnnamedPipe(1, 16, victim.process(), () -> { });
        Grant readGrant = new Grant(Rights.READ);
        Grant writeGrant = new Grant(Rights.WRITE);
        UnnamedReader reader = session.track(new UnnamedReader(session, pipe, readGrant, false));
        UnnamedWriter writer = session.track(new UnnamedWriter(session, pipe, writeGrant, false));
        Future<Integer> read = start("revoked-unnamed-reader", () -> reader.read(new byte[8], 0, 8));
        awaitWaiting("revoked-unnamed-reader");

        readGrant.revoke();
        writer.write(new byte[] { 7 }, 0, 1);

        assertDenied(read);
        assertThat(pipe.available()).as("the byte written after the revocation stays in the pipe").isEqualTo(1);

        writer.write(new byte[15], 0, 15);
        Future<Void> write = start("revoked-unnamed-writer", () -> {
            writer.write(new byte[8], 0, 8);
            return null;
        });
        awaitWaiting("revoked-unnamed-writer");
        writeGrant.revoke();
        assertDenied(write);
        assertThat(pipe.available()).isEqualTo(16);
        assertThat(victim.denials()).containsExactly("read from pipe '#1'", "write to pipe '#1'");
        session.close();
    }

    @Test
    @Timeout(30)
    void anUnnamedPipesGrantsAreRegisteredSoThatRevocationReachesABlockedRead() throws Exception {
        Pipe pipe = pipes(victim).create(16, Set.of());
        Future<Integer> read = start("revoked-anonymous-reader", () -> pipe.reader().read(new byte[8], 0, 8));
        awaitWaiting("revoked-anonymous-reader");

        victim.revokeAll();

        assertDenied(read);
        assertDeniedNow(() -> pipe.writer().write(new byte[1], 0, 1));
    }

    private static void assertDenied(Future<?> f) throws Exception {
        try {
            Object got = f.get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected PERMISSION_DENIED, got " + (got instanceof byte[] b
                    ? Arrays.toString(b) : got));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        }
    }

    private static void assertDeniedNow(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertError(call, IpcError.PERMISSION_DENIED);
    }
}
