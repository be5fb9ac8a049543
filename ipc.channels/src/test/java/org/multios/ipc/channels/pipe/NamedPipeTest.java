package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;

class NamedPipeTest extends PipeTestSupport {

    private Path fifo(String name) {
        return root.resolve("pipe").resolve(name);
    }

    private static String readAll(PipeReader reader) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[64];
        int n;
        while ((n = reader.read(b, 0, b.length, Duration.ofSeconds(10))) != PipeReader.END_OF_STREAM) {
            out.write(b, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(20)
    void aShellEchoReachesAReaderOpenedThroughTheService() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("greeting", 0600);
        PipeReader reader = pipes.openReader("greeting");
        assertThat(reader.tryRead(new byte[8], 0, 8)).as("no writer yet: not the end")
                .isEqualTo(PipeReader.NOTHING_AVAILABLE);
        Process shell = new ProcessBuilder("sh", "-c", "echo hello > '" + fifo("greeting") + "'").start();
        assertThat(readAll(reader)).isEqualTo("hello\n");
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isZero();
        assertThat(reader.statistics().get(Counter.BYTES_OUT)).isEqualTo(6);
    }

    @Test
    @Timeout(20)
    void catReadsWhatAWriterOpenedThroughTheServiceWrote() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("news", 0600);
        PipeWriter writer = pipes.openWriter("news");
        assertThat(writer.tryWrite(new byte[1], 0, 1)).as("no reader yet: nothing written, no broken pipe").isZero();
        Process cat = new ProcessBuilder("cat", fifo("news").toString()).start();
        byte[] text = "from the service\n".getBytes(StandardCharsets.UTF_8);
        writer.write(text, 0, text.length);
        writer.close();
        assertThat(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("from the service\n");
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cat.exitValue()).isZero();
    }

    @Test
    @Timeout(20)
    void aWriterOpenedWhileCatWaitsWritesAtOnce() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("waiting-cat", 0600);
        Process cat = new ProcessBuilder("cat", fifo("waiting-cat").toString()).start();
        PipeWriter writer = pipes.openWriter("waiting-cat");
        byte[] text = "late\n".getBytes(StandardCharsets.UTF_8);
        writer.write(text, 0, text.length);
        writer.close();
        assertThat(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("late\n");
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = { 0620, 0666, 0600, 0 })
    void theFifoHasExactlyTheModeAsked(int mode) throws Exception {
        pipes().createNamed("mode-" + mode, mode);
        Path p = fifo("mode-" + mode);
        int unixMode = (Integer) Files.getAttribute(p, "unix:mode");
        assertThat(unixMode & 0170000).as("a FIFO").isEqualTo(0010000);
        assertThat(unixMode & 07777).isEqualTo(mode);
        String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertThat(expected).isEqualTo(new org.multios.ipc.Permissions("u", "g", mode).modeString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ".", "..", "../escape", "a/b", "with space", "tab\t", "ü" })
    void badNamesAreRefusedBeforeAnyFileIsMade(String name) {
        PipeService pipes = pipes();
        assertError(() -> pipes.createNamed(name, 0600), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.openReader(name), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.openWriter(name), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.unlink(name), IpcError.INVALID_ARGUMENT);
        assertThat(root.resolve("pipe")).doesNotExist();
        assertThat(root.resolve("escape")).doesNotExist();
        assertThat(root.getParent().resolve("escape")).doesNotExist();
    }

    @Test
    void tooLongNamesAndBadModesAreRefused() {
        PipeService pipes = pipes();
        assertError(() -> pipes.createNamed("x".repeat(201), 0600), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.createNamed(null, 0600), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.createNamed("ok", 01000), IpcError.INVALID_ARGUMENT);
        assertError(() -> pipes.createNamed("ok", -1), IpcError.INVALID_ARGUMENT);
        assertThat(root.resolve("pipe")).doesNotExist();
        pipes.createNamed("x".repeat(200), 0600);
        assertThat(fifo("x".repeat(200))).exists();
    }

    @Test
    void createOpenAndUnlinkReportWhatIsThere() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("p", 0600);
        pipes.createNamed("p", 0644);
        assertThat(Files.getPosixFilePermissions(fifo("p"))).as("a second create leaves the pipe as it is")
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertError(() -> pipes.createNamed("p", 0600, true), IpcError.ALREADY_EXISTS);
        assertError(() -> pipes.openReader("missing"), IpcError.NOT_FOUND);
        assertError(() -> pipes.openWriter("missing"), IpcError.NOT_FOUND);
        assertError(() -> pipes.unlink("missing"), IpcError.NOT_FOUND);
        assertError(() -> pipes.openReader("p", null), IpcError.INVALID_ARGUMENT);
        Files.writeString(fifo("plain-file"), "not a fifo");
        assertError(() -> pipes.openReader("plain-file"), IpcError.CORRUPTED);
        pipes.unlink("p");
        assertThat(fifo("p")).doesNotExist();
        assertError(() -> pipes.openReader("p"), IpcError.NOT_FOUND);
        pipes.createNamed("p", 0600);
        assertThat(fifo("p")).exists();
    }

    @Test
    @Timeout(20)
    void endsAlreadyOpenKeepWorkingAfterUnlink() {
        PipeService pipes = pipes();
        pipes.createNamed("gone", 0600);
        PipeReader reader = pipes.openReader("gone");
        PipeWriter writer = pipes.openWriter("gone");
        pipes.unlink("gone");
        writer.write(new byte[] { 7, 8 }, 0, 2);
        writer.close();
        byte[] b = new byte[4];
        assertThat(reader.read(b, 1, 3)).isEqualTo(2);
        assertThat(b).containsExactly(0, 7, 8, 0);
        assertThat(reader.read(b, 0, 4)).isEqualTo(PipeReader.END_OF_STREAM);
    }

    @Test
    @Timeout(20)
    void aWriterWithoutReadersFailsWithBrokenPipeAndTheJvmLives() {
        PipeService pipes = pipes();
        pipes.createNamed("broken", 0600);
        PipeReader reader = pipes.openReader("broken");
        PipeWriter writer = pipes.openWriter("broken");
        writer.write(new byte[] { 1 }, 0, 1);
        reader.close();
        assertThatThrownBy(() -> writer.write(new byte[] { 2 }, 0, 1))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.BROKEN_PIPE))
                .hasMessageContaining("pipe 'broken'");
        assertError(() -> writer.tryWrite(new byte[] { 2 }, 0, 1), IpcError.BROKEN_PIPE);
        PipeReader again = pipes.openReader("broken");
        writer.write(new byte[] { 3 }, 0, 1);
        byte[] b = new byte[4];
        int n = again.read(b, 0, 4);
        assertThat(b[n - 1]).as("a new reader makes the FIFO flow again").isEqualTo((byte) 3);
    }

    @Test
    @Timeout(20)
    void aReaderWaitsForItsFirstWriterAndSeesTheEndAfterIt() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("first", 0600);
        PipeReader reader = pipes.openReader("first");
        assertError(() -> reader.read(new byte[1], 0, 1, Duration.ofMillis(50)), IpcError.TIMEOUT);
        Future<String> all = start("named-reader", () -> readAll(reader));
        awaitWaiting("named-reader");
        PipeWriter writer = pipes.openWriter("first", EnumSet.of(PipeFlag.NON_BLOCKING));
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put("xxabc".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
        writer.write(direct);
        assertThat(direct.hasRemaining()).isFalse();
        writer.write(ByteBuffer.wrap("--def".getBytes(StandardCharsets.US_ASCII), 2, 3));
        writer.close();
        assertThat(all.get(10, TimeUnit.SECONDS)).isEqualTo("abcdef");
        assertThat(reader.tryRead(new byte[1], 0, 1)).isEqualTo(PipeReader.END_OF_STREAM);
    }

    @Test
    @Timeout(20)
    void aWriterWaitingForItsFirstReaderWritesWhenOneOpens() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("later", 0600);
        PipeWriter writer = pipes.openWriter("later");
        Future<Void> write = start("named-writer", () -> {
            writer.write(new byte[] { 4, 2 }, 0, 2);
            return null;
        });
        awaitWaiting("named-writer");
        PipeReader reader = pipes.openReader("later");
        write.get(10, TimeUnit.SECONDS);
        ByteBuffer heap = ByteBuffer.allocate(6).position(4);
        assertThat(reader.read(heap, Duration.ofSeconds(10))).isEqualTo(2);
        assertThat(heap.array()).containsExactly(0, 0, 0, 0, 4, 2);
        assertThat(writer.bufferSize()).isPositive();
        assertThat(writer.atomicWriteSize()).isEqualTo(4096);
    }

    @Test
    @Timeout(20)
    void closingWakesNamedWaitersWithClosed() throws Exception {
        PipeService pipes = pipes();
        pipes.createNamed("wake", 0600);
        PipeReader reader = pipes.openReader("wake");
        PipeWriter writer = pipes.openWriter("wake");
        reader.close();
        pipes.createNamed("wake2", 0600);
        PipeReader waitingReader = pipes.openReader("wake2");
        PipeWriter waitingWriter = pipes.openWriter("wake");
        Future<Integer> r = start("wake-reader", () -> waitingReader.read(new byte[1], 0, 1));
        awaitWaiting("wake-reader");
        waitingReader.close();
        assertCause(r, IpcError.CLOSED);
        writer.close();
        Future<Void> w = start("wake-writer", () -> {
            waitingWriter.write(new byte[1], 0, 1);
            return null;
        });
        awaitWaiting("wake-writer");
        waitingWriter.close();
        assertCause(w, IpcError.CLOSED);
    }

    @Test
    @Timeout(20)
    void theNonBlockingFlagAndObjectsOfTheMechanism() {
        PipeService pipes = pipes();
        pipes.createNamed("listed", 0640);
        PipeReader reader = pipes.openReader("listed", EnumSet.of(PipeFlag.NON_BLOCKING));
        assertError(() -> reader.read(new byte[1], 0, 1), IpcError.WOULD_BLOCK);
        assertThat(reader.name()).contains("listed");
        assertThat(reader.permissions().mode()).isEqualTo(0640);
        reader.setPermissions(reader.permissions().withMode(0600));
        assertThat(fifo("listed").toFile()).exists();
        assertThat(reader.info().permissions().mode()).isEqualTo(0600);
        assertThat(reader.bufferSize()).isPositive();
        assertThat(reader.available()).isZero();
    }

    @Test
    @Timeout(20)
    void aReaderDoesNotSeeTheEndWhileAWriterOpenedBeforeItIsStillOpen() {
        PipeService pipes = pipes();
        pipes.createNamed("early", 0600);
        PipeWriter early = pipes.openWriter("early");
        PipeReader reader = pipes.openReader("early");
        PipeWriter brief = pipes.openWriter("early");
        brief.write(new byte[] { 1 }, 0, 1);
        brief.close();

        byte[] b = new byte[8];
        assertThat(reader.read(b, 0, 8, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(reader.tryRead(b, 0, 8)).as("the early writer is still open: no end of stream")
                .isEqualTo(PipeReader.NOTHING_AVAILABLE);
        early.write(new byte[] { 2 }, 0, 1);
        assertThat(reader.read(b, 0, 8, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(b[0]).isEqualTo((byte) 2);
        early.close();
        assertThat(reader.read(b, 0, 8, Duration.ofSeconds(10))).isEqualTo(PipeReader.END_OF_STREAM);
    }

    private static void assertCause(Future<?> f, IpcError error) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected " + error);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(error));
        }
    }
}
