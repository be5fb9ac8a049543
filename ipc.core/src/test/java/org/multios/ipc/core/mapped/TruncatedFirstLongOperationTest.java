package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * A JVM that has only used int read-modify-writes (semaphores), long enough for C2 to compile
 * them, then makes its first long one (a mutex's compare-and-set, an event's get-and-add) on a
 * file truncated under its mapping: CORRUPTED, not an abort of the JVM. Before, one method ran
 * every read-modify-write behind a switch on the operation; compiled, the cases never seen were
 * traps after the probe, so the first long operation resumed in the interpreter past the probe
 * and ran the VM's unguarded compare-and-set (SIGBUS, hs_err). Each case runs in a child JVM:
 * the long operation must be the first of that JVM.
 */
class TruncatedFirstLongOperationTest {
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;
    private static final int LENGTH = 4 * PAGE;
    /** A word in the last page: past the end once the file is cut to one page. */
    private static final int LAST_PAGE_WORD = LENGTH - PAGE + 64;
    private static final int WARM_UP = 400_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({ "words, compareAndSetLong", "words, getAndAddLong", "region, compareAndSetLong",
            "region, getAndAddLong" })
    @Timeout(150)
    void theFirstLongOperationOnATruncatedFileIsCorrupted(String view, String operation) throws Exception {
        Path log = dir.resolve("child.log");
        Files.createDirectories(dir.resolve("objects"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-BackgroundCompilation", "-XX:+UseSerialGC"));
        String raw = System.getProperty(MappedWords.RAW_PROPERTY);
        if (raw != null) {
            command.add("-D" + MappedWords.RAW_PROPERTY + "=" + raw);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
                dir.resolve("objects").toString(), view, operation));
        Process child = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(child.waitFor(140, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(child.exitValue()).as("exit code (134: the JVM aborted); output:%n%s", output).isZero();
        assertThat(output.lines()).as(output).contains("error=CORRUPTED");
        assertThat(output).contains("handle on segment 'victim'", "truncated to " + PAGE + " bytes");
    }

    /** Warms int operations up on one file, then makes the first long operation on another, truncated. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            Path root = Path.of(args[0]);
            boolean words = args[1].equals("words");
            boolean compareAndSet = args[2].equals("compareAndSetLong");
            ObjectDirectory directory = new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()),
                    ObjectType.SHARED_MEMORY);
            PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class);
            Permissions permissions = new Permissions(a.owner().getName(), a.group().getName(), 0600);
            MappedRegion healthy = create(directory, "healthy", permissions).region();
            ObjectDirectory.Created victim = create(directory, "victim", permissions);

            long sum = 0;
            for (int i = 0; i < WARM_UP; i++) { // a semaphore's operations
                if (words) {
                    sum += healthy.words().compareAndSetInt(LAST_PAGE_WORD, i, i + 1) ? 1 : 0;
                    sum += healthy.words().getAndAddInt(LAST_PAGE_WORD, 0);
                } else {
                    sum += healthy.compareAndSetInt(LAST_PAGE_WORD, i, i + 1) ? 1 : 0;
                    sum += healthy.getAndAddInt(LAST_PAGE_WORD, 0);
                }
            }
            System.out.println("warmed up: " + sum + ", raw: " + MappedWords.isRaw());
            try (FileChannel ch = FileChannel.open(victim.path(), StandardOpenOption.WRITE)) {
                ch.truncate(PAGE);
            }

            MappedRegion r = victim.region();
            InternalError fault = null;
            for (int attempt = 0; attempt < 1000 && fault == null; attempt++) {
                try {
                    long v;
                    if (compareAndSet) {
                        v = (words ? r.words().compareAndSetLong(LAST_PAGE_WORD, 0, 1)
                                : r.compareAndSetLong(LAST_PAGE_WORD, 0, 1)) ? 1 : 0;
                    } else {
                        v = words ? r.words().getAndAddLong(LAST_PAGE_WORD, 1) : r.getAndAddLong(LAST_PAGE_WORD, 1);
                    }
                    MappedFault.passed(v);
                    Thread.yield();
                } catch (InternalError e) {
                    fault = e;
                }
            }
            if (fault == null) {
                System.out.println("never faulted");
                System.exit(2);
            }
            IpcException e = MappedFault.diagnose(fault, r, "handle on segment 'victim'");
            System.out.println(e == null ? "not diagnosed: " + fault : "error=" + e.error() + "\n" + e.getMessage());
        }

        private static ObjectDirectory.Created create(ObjectDirectory directory, String name, Permissions p) {
            return directory.create(name, LENGTH, p, r -> new ObjectFileHeader(r)
                    .initialize(ObjectType.SHARED_MEMORY, 1, LENGTH, 0, 0600, 1, 1, 1));
        }
    }
}
