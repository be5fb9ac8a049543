package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

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
import org.multios.ipc.core.posix.Posix;

/**
 * Which region a fault of a mapping is blamed on ({@link MappedFault#diagnose}). The fault is a
 * real one: another object's file truncated under its mapping and read past its new end. A region
 * whose size cannot be measured by name (unnamed, or its file removed) is blamed only if its own
 * end faults; before, any such region took the blame for another mapping's fault, and its healthy
 * handle closed as CORRUPTED.
 */
@Timeout(30)
class TruncatedRegionTest {
    private static final int LENGTH = 4 * ObjectFileDescriptor.PAGE_SIZE;

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

    /** Truncates another object's file under its mapping and reads past the end: HotSpot's report of that fault. */
    private InternalError faultOfAnotherMapping() throws IOException {
        ObjectDirectory.Created other = named("other");
        truncate(other.path(), 0);
        for (int attempt = 0; attempt < 1000; attempt++) {
            try {
                other.region().getLong(LENGTH - 8);
                MappedFault.deliverPending();
            } catch (InternalError e) {
                assertThat(MappedFault.isMappedAccessFault(e)).as(e.toString()).isTrue();
                assertThat(MappedFault.diagnose(e, other.region(), "other")).as("the truncated one's").isNotNull();
                return e;
            }
        }
        throw new AssertionError("reading past the end of a truncated mapping never faulted");
    }

    @Test
    void aFaultOfAnotherMappingIsNotBlamedOnAnUnnamedRegion() throws IOException {
        MappedRegion unnamed = directory.createUnnamed(LENGTH).region();
        assertThat(unnamed.fileSize()).isEqualTo(MappedRegion.UNNAMED);

        assertThat(MappedFault.diagnose(faultOfAnotherMapping(), unnamed, "handle on segment #1")).isNull();
        assertThat(unnamed.isDetached()).as("its mapping is left alone").isFalse();
    }

    @Test
    void aFaultOfAnotherMappingIsNotBlamedOnAnObjectWhoseFileWasRemoved() throws IOException {
        ObjectDirectory.Created removed = named("removed");
        directory.unlink("removed");
        assertThat(removed.region().fileSize()).isEqualTo(MappedRegion.GONE);

        assertThat(MappedFault.diagnose(faultOfAnotherMapping(), removed.region(), "handle on segment 'removed'"))
                .isNull();
    }

    @Test
    void anObjectTruncatedAndThenRemovedIsCorrupted() throws IOException {
        InternalError fault = faultOfAnotherMapping(); // of the same kind as the one its own access raises
        ObjectDirectory.Created victim = named("victim");
        truncate(victim.path(), ObjectFileDescriptor.PAGE_SIZE);
        directory.unlink("victim");

        IpcException e = MappedFault.diagnose(fault, victim.region(), "handle on segment 'victim'");

        assertThat(e).isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(e.getMessage()).contains("handle on segment 'victim'", "removed or replaced", "truncated");
        assertThat(victim.region().isDetached()).as("no later access faults").isTrue();
    }

    @Test
    void anUnnamedRegionTruncatedUnderItsMappingIsCorrupted() throws IOException {
        MappedRegion unnamed = directory.createUnnamed(LENGTH).region();
        long start = unnamed.address(0);
        // only this process reaches the file, through its mapping: /proc/self/map_files (root only)
        Path mapped = Path.of("/proc/self/map_files", Long.toHexString(start) + "-" + Long.toHexString(start + LENGTH));
        assumeThat(Files.isWritable(mapped)).as("%s can be opened (needs root)", mapped).isTrue();
        truncate(mapped, 0);
        assertThat(Posix.probeByte(unnamed.address(LENGTH - 1))).isEqualTo(Posix.FAULTS);

        IpcException e = MappedFault.diagnose(faultOfAnotherMapping(), unnamed, "handle on segment #2");

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("its unnamed file", "truncated");
    }

    @Test
    void theKernelTellsAReadablePageFromOnePastTheEnd() throws IOException {
        ObjectDirectory.Created file = named("probed");
        assertThat(Posix.probeByte(file.region().address(LENGTH - 1))).isEqualTo(Posix.READABLE);
        assertThat(file.region().endFaults()).isFalse();

        truncate(file.path(), LENGTH - ObjectFileDescriptor.PAGE_SIZE);

        assertThat(Posix.probeByte(file.region().address(LENGTH - 1))).isEqualTo(Posix.FAULTS);
        assertThat(Posix.probeByte(file.region().address(0))).as("the pages still backed").isEqualTo(Posix.READABLE);
        assertThat(file.region().endFaults()).isTrue();
    }

    /**
     * What a sleeper whose sleep ended unwoken asks ({@link MappedFault#throwIfCutShort}): nothing
     * while the file covers the mapping; once its last page is cut off, HotSpot's fault, which the
     * one rule turns into CORRUPTED naming the file; nothing once the rule detached the region.
     */
    @Test
    void aRegionCutShortIsToldWithoutTouchingItAndTheOneRuleAgrees() throws IOException {
        ObjectDirectory.Created jobs = named("jobs");
        MappedRegion region = jobs.region();
        assertThat(region.cutShort()).isFalse();
        MappedFault.throwIfCutShort(region); // nothing
        truncate(jobs.path(), LENGTH - ObjectFileDescriptor.PAGE_SIZE); // the last page only
        assertThat(region.cutShort()).isTrue();
        InternalError fault = null;
        try {
            MappedFault.throwIfCutShort(region);
        } catch (InternalError e) {
            fault = e;
        }
        assertThat(fault).as("thrown").isNotNull();
        IpcException c = MappedFault.diagnose(fault, region, "segment 'jobs'");
        assertThat(c).isNotNull();
        assertThat(c.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(c.getMessage()).contains("'jobs'").contains(jobs.path().toString()).contains("truncated");
        assertThat(region.cutShort()).as("detached by the rule").isFalse();
        MappedFault.throwIfCutShort(region); // nothing once detached
    }
}
