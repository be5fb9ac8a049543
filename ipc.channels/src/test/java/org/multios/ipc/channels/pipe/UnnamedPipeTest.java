package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;

class UnnamedPipeTest extends PipeTestSupport {

    @Test
    @Timeout(20)
    void bytesArriveInOrderThroughASmallBuffer() throws Exception {
        Pipe pipe = pipes().create(61, Set.of());
        byte[] sent = new byte[100_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + i / 7);
        }
        Future<Void> writer = start("order-writer", () -> {
            for (int off = 0; off < sent.length; off += 997) {
                pipe.writer().write(sent, off, Math.min(997, sent.length - off));
            }
            pipe.writer().close();
            return null;
        });
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[333];
        int n;
        while ((n = pipe.reader().read(chunk, 0, chunk.length)) != PipeReader.END_OF_STREAM) {
            received.write(chunk, 0, n);
        }
        writer.get(10, TimeUnit.SECONDS);
        assertThat(received.toByteArray()).isEqualTo(sent);
    }

    @Test
    void nonBlockingFormsReportByValue() {
        Pipe pipe = pipes().create(8, Set.of());
        byte[] b = new byte[16];
        assertThat(pipe.reader().tryRead(b, 0, 4)).isEqualTo(PipeReader.NOTHING_AVAILABLE);
        assertThat(pipe.writer().tryWrite(new byte[6], 0, 6)).isEqualTo(6);
        assertThat(pipe.writer().tryWrite(new byte[3], 0, 3)).as("an atomic write goes whole or not at all").isZero();
        assertThat(pipe.writer().tryWrite(new byte[2], 0, 2)).isEqualTo(2);
        assertThat(pipe.reader().available()).isEqualTo(8);
        assertThat(pipe.reader().tryRead(b, 0, 16)).isEqualTo(8);
        assertThat(pipe.reader().read(b, 0, 0)).isZero();
    }

    @Test
    void theNonBlockingFlagMakesBlockingFormsFailWithWouldBlock() {
        Pipe pipe = pipes().create(4, EnumSet.of(PipeFlag.NON_BLOCKING));
        assertThat(pipe.reader().isNonBlocking()).isTrue();
        assertThat(pipe.writer().isNonBlocking()).isTrue();
        assertError(() -> pipe.reader().read(new byte[1], 0, 1), IpcError.WOULD_BLOCK);
        assertError(() -> pipe.reader().read(new byte[1], 0, 1, Duration.ofSeconds(5)), IpcError.WOULD_BLOCK);
        assertThatThrownBy(() -> pipe.writer().write(new byte[10], 0, 10))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.WOULD_BLOCK))
                .hasMessageContaining("4 of 10 bytes");
        pipe.writer().setNonBlocking(false);
        assertThat(pipe.writer().isNonBlocking()).isFalse();
        assertThat(pipe.reader().read(new byte[10], 0, 10)).isEqualTo(4);
    }

    @Test
    @Timeout(10)
    void timedFormsTimeOutAndCountIt() {
        Pipe pipe = pipes().create(4, Set.of());
        assertError(() -> pipe.reader().read(new byte[1], 0, 1, Duration.ofMillis(30)), IpcError.TIMEOUT);
        pipe.writer().write(new byte[4], 0, 4);
        assertError(() -> pipe.writer().write(new byte[1], 0, 1, Duration.ofMillis(30)), IpcError.TIMEOUT);
        assertError(() -> pipe.writer().write(new byte[1], 0, 1, Duration.ZERO), IpcError.TIMEOUT);
        Statistics s = pipe.reader().statistics();
        assertThat(s.get(Counter.TIMEOUTS)).isEqualTo(3);
        assertThat(s.get(Counter.WAITS)).isEqualTo(2);
    }

    @Test
    @Timeout(10)
    void aTimedReadReturnsWhatArrivesInTime() throws Exception {
        Pipe pipe = pipes().create(16, Set.of());
        Future<Integer> reader = start("timed-reader",
                () -> pipe.reader().read(new byte[16], 0, 16, Duration.ofSeconds(8)));
        awaitWaiting("timed-reader");
        pipe.writer().write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
        assertThat(reader.get(9, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    @Timeout(30)
    void atomicWritesOfFourWritersNeverInterleave() throws Exception {
        Pipe pipe = pipes().create(10_000, Set.of());
        int writers = 4;
        int records = 400;
        int atomic = pipe.writer().atomicWriteSize();
        assertThat(atomic).isEqualTo(4096);
        Future<?>[] done = new Future<?>[writers];
        for (int w = 0; w < writers; w++) {
            int id = w;
            done[w] = start("atomic-writer-" + w, () -> {
                for (int seq = 0; seq < records; seq++) {
                    int len = 8 + (seq * 977 + id * 131) % (atomic - 8 + 1);
                    pipe.writer().write(Records.make(id, seq, len), 0, len);
                }
                return null;
            });
        }
        Future<Void> closer = start("atomic-closer", () -> {
            for (Future<?> f : done) {
                f.get(25, TimeUnit.SECONDS);
            }
            pipe.writer().close();
            return null;
        });
        int[] next = new int[writers];
        InputStream in = pipe.reader().asInputStream();
        byte[] header = new byte[8];
        while (in.readNBytes(header, 0, 8) == 8) {
            int id = header[0];
            int seq = ByteBuffer.wrap(header).getShort(2);
            int len = ByteBuffer.wrap(header).getInt(4);
            assertThat(id).isBetween(0, writers - 1);
            assertThat(seq).as("record order of writer %d", id).isEqualTo(next[id]++);
            byte[] body = in.readNBytes(len - 8);
            for (byte x : body) {
                if (x != (byte) (0x40 + id)) {
                    throw new AssertionError("record " + seq + " of writer " + id + " holds a foreign byte " + x);
                }
            }
        }
        closer.get(25, TimeUnit.SECONDS);
        assertThat(next).containsOnly(records);
    }

    /** Self-describing records: writer id, sequence number and length, then the writer's fill byte. */
    static final class Records {
        static byte[] make(int id, int seq, int len) {
            byte[] r = new byte[len];
            java.util.Arrays.fill(r, (byte) (0x40 + id));
            ByteBuffer.wrap(r).put(0, (byte) id).put(1, (byte) 0).putShort(2, (short) seq).putInt(4, len);
            return r;
        }
    }

    @Test
    @Timeout(10)
    void theReaderDrainsThenSeesEndOfStreamOnceTheWriterClosed() {
        Pipe pipe = pipes().create(16, Set.of());
        pipe.writer().write(new byte[] { 1, 2, 3 }, 0, 3);
        pipe.writer().close();
        byte[] b = new byte[8];
        assertThat(pipe.reader().read(b, 0, 8)).isEqualTo(3);
        assertThat(pipe.reader().read(b, 0, 8)).isEqualTo(PipeReader.END_OF_STREAM);
        assertThat(pipe.reader().tryRead(b, 0, 8)).isEqualTo(PipeReader.END_OF_STREAM);
        assertThat(pipe.reader().read(b, 0, 8, Duration.ofSeconds(1))).isEqualTo(PipeReader.END_OF_STREAM);
    }

    @Test
    @Timeout(10)
    void writingWithoutAReaderIsABrokenPipe() throws Exception {
        Pipe pipe = pipes().create(4, Set.of());
        pipe.writer().write(new byte[4], 0, 4);
        Future<Void> blocked = start("broken-writer", () -> {
            pipe.writer().write(new byte[2], 0, 2);
            return null;
        });
        awaitWaiting("broken-writer");
        pipe.reader().close();
        assertThatThrownBy(() -> blocked.get(9, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.BROKEN_PIPE))
                .hasMessageContaining("unnamed pipe #" + pipe.id());
        assertError(() -> pipe.writer().tryWrite(new byte[1], 0, 1), IpcError.BROKEN_PIPE);
        assertThat(pipe.writer().statistics().get(Counter.ERRORS)).isEqualTo(2);
    }

    @Test
    @Timeout(10)
    void closingAnEndWakesItsWaitersWithClosed() throws Exception {
        Pipe pipe = pipes().create(4, Set.of());
        Future<Integer> reader = start("closed-reader", () -> pipe.reader().read(new byte[4], 0, 4));
        awaitWaiting("closed-reader");
        pipe.reader().close();
        assertCause(reader, IpcError.CLOSED);
        assertThat(pipe.reader().isClosed()).isTrue();
        assertError(() -> pipe.reader().available(), IpcError.CLOSED);
    }

    @Test
    @Timeout(10)
    void releasingTheOwnersSessionWakesWaitersWithClosed() throws Exception {
        IpcContext owner = context();
        Pipe pipe = owner.service(PipeService.class).create(4, Set.of());
        pipe.writer().write(new byte[4], 0, 4);
        Future<Void> writer = start("session-writer", () -> {
            pipe.writer().write(new byte[1], 0, 1);
            return null;
        });
        awaitWaiting("session-writer");
        owner.close();
        assertCause(writer, IpcError.CLOSED);
        assertThat(pipe.reader().isClosed()).isTrue();
        assertThat(pipe.writer().isClosed()).isTrue();
    }

    @Test
    @Timeout(10)
    void stoppingTheMechanismWakesWaitersWithClosed() throws Exception {
        PipeMechanism mechanism = new PipeMechanism(new org.multios.ipc.IpcEnvironment(root, IpcLimits.defaults()));
        var self = org.multios.ipc.local.LocalIdentity.currentProcess();
        var caller = new org.multios.ipc.local.PosixCaller(self,
                new org.multios.ipc.local.QuotaLedger(self.toString(), java.util.Map.of()));
        Pipe pipe = mechanism.bind(caller).create(4, Set.of());
        assertThat(mechanism.objects()).hasSize(1);
        assertThat(mechanism.connectionCount()).isEqualTo(2);
        Future<Integer> reader = start("stopped-reader", () -> pipe.reader().read(new byte[1], 0, 1));
        awaitWaiting("stopped-reader");
        mechanism.close();
        assertCause(reader, IpcError.CLOSED);
        assertThat(mechanism.objects()).isEmpty();
        assertThat(caller.quotas().used(org.multios.ipc.Quota.OBJECTS)).isZero();
        assertError(() -> mechanism.bind(caller), IpcError.CLOSED);
    }

    @Test
    @Timeout(10)
    void anInterruptedReadFailsAndKeepsTheFlag() throws Exception {
        Pipe pipe = pipes().create(4, Set.of());
        Future<Boolean> reader = start("interrupted-reader", () -> {
            try {
                pipe.reader().read(new byte[1], 0, 1);
                return false;
            } catch (IpcException e) {
                return e.error() == IpcError.INTERRUPTED && Thread.currentThread().isInterrupted();
            }
        });
        awaitWaiting("interrupted-reader");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("interrupted-reader")) {
                t.interrupt();
            }
        }
        assertThat(reader.get(9, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void buffersMoveTheirPositions() {
        Pipe pipe = pipes().create(32, Set.of());
        ByteBuffer src = ByteBuffer.allocateDirect(10);
        src.put(new byte[] { 9, 9, 1, 2, 3, 4, 5 }).flip().position(2);
        pipe.writer().write(src);
        assertThat(src.hasRemaining()).isFalse();
        ByteBuffer dst = ByteBuffer.allocate(8).position(3);
        assertThat(pipe.reader().read(dst)).isEqualTo(5);
        assertThat(dst.position()).isEqualTo(8);
        assertThat(dst.array()).containsExactly(0, 0, 0, 1, 2, 3, 4, 5);
        assertThat(pipe.writer().tryWrite(ByteBuffer.wrap(new byte[40]))).as("room for 32 of 40").isEqualTo(32);
        assertError(() -> pipe.reader().read(ByteBuffer.allocate(4).asReadOnlyBuffer()), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipe.reader().read(new byte[4], 3, 2), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipe.writer().write((byte[]) null, 0, 0), IpcError.INVALID_ARGUMENT);
    }

    @Test
    @Timeout(10)
    void endsWorkAsStreams() throws Exception {
        Pipe pipe = pipes().create(64, Set.of());
        try (OutputStream out = pipe.writer().asOutputStream()) {
            out.write("stream".getBytes(StandardCharsets.US_ASCII));
            out.write('!');
        }
        try (InputStream in = pipe.reader().asInputStream()) {
            assertThat(in.available()).isEqualTo(7);
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("stream!");
        }
        assertThat(pipe.reader().isClosed()).isTrue();
    }

    @Test
    void createChecksItsArgumentsAndLimits() {
        PipeService pipes = context(IpcLimits.defaults().with(Limit.BUFFER_SIZE, 1024).with(Limit.OBJECTS, 2))
                .service(PipeService.class);
        assertError(() -> pipes.create(0, Set.of()), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.create(1, null), IpcError.INVALID_ARGUMENT);
        assertThatThrownBy(() -> pipes.create(1025, Set.of())).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED)).hasMessageContaining("buffer.size.max");
        Pipe one = pipes.create(1024, Set.of());
        pipes.create(1, Set.of());
        assertThatThrownBy(() -> pipes.create(1, Set.of())).hasMessageContaining("objects.max");
        one.close();
        assertThat(pipes.create(1, Set.of()).reader().bufferSize()).isEqualTo(1);
    }

    @Test
    void endsDescribeThemselvesAndCount() {
        Pipe pipe = pipes().create(100, Set.of());
        PipeReader r = pipe.reader();
        PipeWriter w = pipe.writer();
        assertThat(r.type()).isEqualTo(ObjectType.PIPE);
        assertThat(r.id()).isEqualTo(pipe.id()).isEqualTo(w.id());
        assertThat(r.name()).isEmpty();
        assertThat(r.rights()).isEqualTo(Rights.READ | Rights.ADMIN);
        assertThat(w.rights()).isEqualTo(Rights.WRITE | Rights.ADMIN);
        assertThat(w.atomicWriteSize()).isEqualTo(100);
        w.write(new byte[60], 0, 60);
        r.read(new byte[50], 0, 50);
        w.write(new byte[30], 0, 30);
        Statistics s = r.statistics();
        assertThat(s.get(Counter.BYTES_IN)).isEqualTo(90);
        assertThat(s.get(Counter.BYTES_OUT)).isEqualTo(50);
        assertThat(s.get(Counter.DEPTH)).isEqualTo(40);
        assertThat(s.get(Counter.HIGH_WATER_MARK)).isEqualTo(60);
        assertThat(s.get(Counter.HANDLES)).isEqualTo(2);
        assertThat(r.info().capacity()).isEqualTo(100);
        assertThat(r.permissions().mode()).isEqualTo(0600);
        r.setPermissions(r.permissions().withMode(0640));
        assertThat(w.permissions().mode()).isEqualTo(0640);
        pipe.close();
        assertThat(w.isClosed()).isTrue();
        assertError(() -> w.write(new byte[1], 0, 1), IpcError.CLOSED);
    }

    private static void assertCause(Future<?> f, IpcError error) throws InterruptedException {
        try {
            f.get(9, TimeUnit.SECONDS);
            throw new AssertionError("expected " + error);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(error));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the waiter did not wake", e);
        }
    }
}
