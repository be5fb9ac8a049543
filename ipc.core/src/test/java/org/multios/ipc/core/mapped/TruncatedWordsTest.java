package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;

/**
 * An access through a region's raw-address view ({@link MappedWords}) to a page its file was
 * truncated away from (SIGBUS) is HotSpot's InternalError, which {@link MappedFault} diagnoses as
 * CORRUPTED, interpreted and compiled alike: never an abort of the JVM. Interpreted, a
 * read-modify-write without its probe aborts it (Java 17: the VM's compare-and-set is unguarded);
 * this class runs in a fresh JVM (the {@code truncated-files} execution), where nothing has
 * compiled the view's methods before its first accesses.
 */
@Timeout(60)
class TruncatedWordsTest {
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;
    private static final int LENGTH = 4 * PAGE;
    /** A word in the last page: past the end once the file is cut to one page. */
    private static final int LAST_PAGE_WORD = LENGTH - PAGE + 64;

    @TempDir
    Path root;

    private ObjectDirectory directory;
    private Permissions permissions;

    @BeforeEach
    void create() throws IOException {
        directory = new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SHARED_MEMORY);
        PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class);
        permissions = new Permissions(a.owner().getName(), a.group().getName(), 0600);
    }

    private ObjectDirectory.Created named(String name) {
        return directory.create(name, LENGTH, permissions, r -> new ObjectFileHeader(r)
                .initialize(ObjectType.SHARED_MEMORY, 1, LENGTH, 0, 0600, 1, 1, 1));
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void aTruncatedPageIsCorruptedInterpretedAndCompiled() throws IOException {
        assertCorrupted("compare-and-set", w -> w.compareAndSetInt(LAST_PAGE_WORD, 0, 1) ? 1 : 0, 0);
        assertCorrupted("get-and-add", w -> w.getAndAddLong(LAST_PAGE_WORD, 1), 0);
        assertCorrupted("volatile read", w -> w.getIntVolatile(LAST_PAGE_WORD), 0);
        assertCorrupted("post and take", TruncatedWordsTest::postAndTake, 0);
        assertCorrupted("owned addition", w -> {
            w.addOwnedLong(LAST_PAGE_WORD, 1);
            return 0;
        }, 0);
        // compiled: the same accesses after enough calls on a healthy file for C2
        assertCorrupted("compiled compare-and-set", w -> w.compareAndSetInt(LAST_PAGE_WORD, 0, 0) ? 1 : 0, 200_000);
        assertCorrupted("compiled get-and-add", w -> w.getAndAddLong(LAST_PAGE_WORD, 0), 200_000);
        assertCorrupted("compiled post and take", TruncatedWordsTest::postAndTake, 200_000);
        assertCorrupted("compiled release write", w -> {
            w.putLongRelease(LAST_PAGE_WORD, 0);
            return 0;
        }, 200_000);
    }

    /** A semaphore's post and take on the word: both conditional compare-and-sets run while the page is there. */
    private static long postAndTake(MappedWords w) {
        return w.incrementIfBelow(LAST_PAGE_WORD, 1) + w.decrementIfPositive(LAST_PAGE_WORD);
    }

    private void assertCorrupted(String access, ToLongFunction<MappedWords> operation, int warmUp)
            throws IOException {
        ObjectDirectory.Created file = named(access.replace(' ', '-'));
        MappedWords words = file.region().words();
        for (int i = 0; i < warmUp; i++) {
            operation.applyAsLong(words);
        }
        truncate(file.path(), PAGE);

        InternalError fault = null;
        for (int attempt = 0; attempt < 1000 && fault == null; attempt++) {
            try {
                MappedFault.passed(operation.applyAsLong(words));
                Thread.yield(); // compiled, the fault is delivered at the next call into the VM
            } catch (InternalError e) {
                fault = e;
            }
        }
        assertThat(fault).as(access + " past the end faulted").isNotNull();
        IpcException e = MappedFault.diagnose(fault, file.region(), "handle on segment '" + access + "'");
        assertThat(e).as(access).isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(e.getMessage()).contains("truncated to " + PAGE + " bytes");
        assertThat(words.getIntVolatile(LAST_PAGE_WORD)).as("detached: reads zeros, faults no more").isZero();
    }
}
