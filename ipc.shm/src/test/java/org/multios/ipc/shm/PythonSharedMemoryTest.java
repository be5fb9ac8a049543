package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.spi.ChildProcesses;

/**
 * A native program shares a segment by its file alone: a Python script (standard library
 * only) maps {@code <root>/shm/<name>}, checks the common header (magic, header length, data
 * length, mode) as {@link ObjectFileDescriptor} documents it, reads what Java wrote in the data area,
 * writes a reply and counts a native-order long up while this side watches it through a
 * {@link Mapping}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PythonSharedMemoryTest {
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private static final int SIZE = 8192;
    private static final int PATTERN_OFFSET = 0;
    private static final int PATTERN_LENGTH = 256;
    private static final int COUNTER_OFFSET = 512;
    private static final int ACK_OFFSET = 520;
    private static final int ECHO_OFFSET = 528;
    /** The first counts wait until this side has echoed them, so it sees the counter grow. */
    private static final int LOCKSTEP = 5;
    private static final int REPLY_OFFSET = 1024;
    private static final int REPLY_LENGTH = 256;
    /** Below 256, so that every count changes only the lowest byte and no read can see a torn value. */
    private static final int COUNT = 200;

    /** The Python side; arguments: file, data offset, size, count. */
    private static final String SCRIPT = """
            import mmap, os, struct, sys, time

            path = sys.argv[1]
            data_offset = int(sys.argv[2])
            size = int(sys.argv[3])
            count = int(sys.argv[4])
            PATTERN_OFFSET, PATTERN_LENGTH = %d, %d
            COUNTER_OFFSET, ACK_OFFSET, ECHO_OFFSET, LOCKSTEP = %d, %d, %d, %d
            REPLY_OFFSET, REPLY_LENGTH = %d, %d
            HEADER_LENGTH_AT, DATA_LENGTH_AT, MODE_AT = %d, %d, %d

            def fail(message):
                print("FAIL " + message, flush=True)
                sys.exit(2)

            fd = os.open(path, os.O_RDWR)
            try:
                length = os.fstat(fd).st_size
                mm = mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
            finally:
                os.close(fd)

            if mm[0:8] != b"MOSIPC\\x00\\x01":
                fail("magic is %%r" %% mm[0:8])
            header_length, = struct.unpack_from("=i", mm, HEADER_LENGTH_AT)
            data_length, = struct.unpack_from("=q", mm, DATA_LENGTH_AT)
            mode, = struct.unpack_from("=i", mm, MODE_AT)
            if header_length != data_offset:
                fail("header length %%d, expected %%d" %% (header_length, data_offset))
            if data_length != size:
                fail("data length %%d, expected %%d" %% (data_length, size))
            if mode != 0o600:
                fail("mode %%o, expected 600" %% mode)
            if length != data_offset + size:
                fail("file length %%d" %% length)

            base = data_offset
            for i in range(PATTERN_LENGTH):
                expected = (i * 7 + 3) & 0xFF
                got = mm[base + PATTERN_OFFSET + i]
                if got != expected:
                    fail("pattern byte %%d is %%d, expected %%d" %% (i, got, expected))
            print("verified", flush=True)

            mm[base + REPLY_OFFSET:base + REPLY_OFFSET + REPLY_LENGTH] = bytes((255 - i) & 0xFF for i in range(REPLY_LENGTH))

            # aligned 8-byte native-order words: one store per update
            words = memoryview(mm).cast("q")
            counter = (base + COUNTER_OFFSET) // 8
            ack = (base + ACK_OFFSET) // 8
            echo = (base + ECHO_OFFSET) // 8

            def wait_for(index, value, what):
                deadline = time.monotonic() + 60
                while words[index] != value:
                    if time.monotonic() > deadline:
                        words.release()
                        fail("no " + what + " from the Java side")
                    time.sleep(0.0005)

            for n in range(1, count + 1):
                words[counter] = n
                if n <= LOCKSTEP:
                    wait_for(echo, n, "echo of %%d" %% n)
                else:
                    time.sleep(0.0005)
            print("counted %%d" %% words[counter], flush=True)

            wait_for(ack, 1, "acknowledgement")
            print("acknowledged %%d" %% words[ack], flush=True)
            words.release()
            mm.close()
            print("done", flush=True)
            """.formatted(PATTERN_OFFSET, PATTERN_LENGTH, COUNTER_OFFSET, ACK_OFFSET, ECHO_OFFSET, LOCKSTEP,
                    REPLY_OFFSET, REPLY_LENGTH, ObjectFileDescriptor.HEADER_LENGTH_OFFSET,
                    ObjectFileDescriptor.DATA_LENGTH_OFFSET, ObjectFileDescriptor.MODE_OFFSET);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChildProcessMain.class);

    @TempDir
    Path temp;

    private Path root;
    private IpcContext ipc;
    private SharedMemoryService shm;

    @BeforeEach
    void openPlatform() throws IOException {
        Assumptions.assumeTrue(pythonAvailable(), "python3 is not on the PATH");
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        shm = ipc.service(SharedMemoryService.class);
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        try {
            children.destroyAll();
        } finally {
            if (ipc != null) {
                ipc.close();
            }
        }
    }

    @Test
    void pythonMapsTheSegmentFileReadsJavaDataAndCountsWhileJavaWatches() throws Exception {
        try (SharedMemory segment = shm.create("py-shared", SIZE, 0600);
                Mapping m = segment.map(MapAccess.READ_WRITE)) {
            byte[] pattern = new byte[PATTERN_LENGTH];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) (i * 7 + 3);
            }
            m.write(PATTERN_OFFSET, pattern, 0, pattern.length);

            Path script = temp.resolve("peer.py");
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            Path file = root.resolve("shm").resolve("py-shared");
            assertThat(file).isRegularFile();
            Process python = children.start("python", List.of("python3", script.toString(), file.toString(),
                    Integer.toString(ObjectFileDescriptor.PAGE_SIZE), Integer.toString(SIZE),
                    Integer.toString(COUNT)), temp.resolve("python.log"));

            List<Long> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            long last = -1;
            while (last < COUNT) {
                long v = m.getLongVolatile(COUNTER_OFFSET);
                if (v != last) {
                    seen.add(v);
                    last = v;
                    if (v <= LOCKSTEP) {
                        m.putLongVolatile(ECHO_OFFSET, v);
                    }
                }
                if (!python.isAlive() && last < COUNT) {
                    // one last look: the script may have finished between the read and this check
                    long end = m.getLongVolatile(COUNTER_OFFSET);
                    if (end != COUNT) {
                        throw new AssertionError("python ended with " + python.exitValue() + " at count " + end
                                + "; output:\n" + children.output(python));
                    }
                    seen.add(end);
                    last = end;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out watching the counter at " + last + "; python output:\n"
                            + children.output(python));
                }
                Thread.onSpinWait();
            }

            assertThat(seen).as("values seen").isSorted().allMatch(v -> v >= 0 && v <= COUNT);
            assertThat(seen).as("the counter grew while watched").contains(1L, 2L, 3L, 4L, 5L)
                    .endsWith((long) COUNT);

            byte[] reply = new byte[REPLY_LENGTH];
            m.read(REPLY_OFFSET, reply, 0, reply.length);
            for (int i = 0; i < reply.length; i++) {
                assertThat(reply[i]).as("reply byte %d", i).isEqualTo((byte) (255 - i));
            }
            byte[] still = new byte[PATTERN_LENGTH];
            m.read(PATTERN_OFFSET, still, 0, still.length);
            assertThat(still).as("Java's pattern is untouched").isEqualTo(pattern);

            m.putLongVolatile(ACK_OFFSET, 1);

            assertThat(children.awaitExit(python)).as("python exit code; output:%n%s", children.output(python))
                    .isZero();
            assertThat(children.output(python)).contains("verified", "counted " + COUNT, "acknowledged 1", "done")
                    .doesNotContain("FAIL");
        }
    }

    private static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
