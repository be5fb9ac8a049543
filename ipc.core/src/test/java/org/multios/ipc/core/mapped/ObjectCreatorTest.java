package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;

/**
 * The creating IPC process of a named object (issue #24): the bundle that made it, next to its OS
 * process, is recorded in the header page and read back from the owner record, which only the
 * root's OS user writes, never from the object file, which every writer of the object may change.
 */
class ObjectCreatorTest {
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;
    private static final Permissions PERMISSIONS = new Permissions("carol", "staff", 0660);
    private static final IpcProcess BUNDLE = new IpcProcess(ProcessKind.BUNDLE, 42, "com.example.hello", 4242, 1_000,
            "carol", Set.of("staff"));

    @TempDir
    Path root;

    private ObjectDirectory directory() {
        return new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SEMAPHORE);
    }

    private static void header(MappedRegion region, IpcProcess creator) {
        new ObjectFileHeader(region).initialize(ObjectType.SEMAPHORE, 1, PAGE, 0, 0660, creator, 2_000);
    }

    @Test
    void theCreatingBundleIsReadBackWithItsProcess() {
        ObjectDirectory d = directory();
        d.create("made", PAGE, PERMISSIONS, r -> header(r, BUNDLE));

        IpcProcess creator = ObjectOwners.creatorOf(d.snapshot("made", PAGE), PERMISSIONS);

        assertThat(creator).isEqualTo(BUNDLE);
        assertThat(creator.name()).isEqualTo("com.example.hello");
        assertThat(creator.pid()).isEqualTo(4242);
        assertThat(creator.user()).isEqualTo("carol");
    }

    @Test
    void aWriterOfTheFileCannotChangeTheRecordedCreator() {
        ObjectDirectory d = directory();
        ObjectDirectory.Created created = d.create("forged", PAGE, PERMISSIONS, r -> header(r, BUNDLE));
        // a process that may write the file (a member of the group of a 0660 object) rewrites it
        header(created.region(), new IpcProcess(ProcessKind.BUNDLE, 7, "com.example.mallory", 77, 3_000, "mallory",
                Set.of("staff")));

        assertThat(ObjectOwners.creatorOf(d.snapshot("forged", PAGE), PERMISSIONS)).isEqualTo(BUNDLE);
    }

    @Test
    void aFileWithoutOwnerRecordHasAnUnknownCreator() throws Exception {
        ObjectDirectory d = directory();
        ObjectDirectory.Created created = d.create("orphan", PAGE, PERMISSIONS, r -> header(r, BUNDLE));
        java.nio.file.Files.delete(OwnerRecords.path(d.directory(), created.inode()));

        IpcProcess creator = ObjectOwners.creatorOf(d.snapshot("orphan", PAGE), PERMISSIONS);

        assertThat(creator.kind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(creator.pid()).isZero();
        assertThat(creator.name()).isEqualTo("unknown");
    }

    @Test
    void aHeaderWithoutTheCreatingProcessNamesItsOsProcess() {
        ObjectDirectory d = directory();
        d.create("older", PAGE, PERMISSIONS,
                r -> new ObjectFileHeader(r).initialize(ObjectType.SEMAPHORE, 1, PAGE, 0, 0660, 4242, 1_000, 2_000));

        IpcProcess creator = ObjectOwners.creatorOf(d.snapshot("older", PAGE), PERMISSIONS);

        assertThat(creator.kind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(creator.id()).isEqualTo(4242);
        assertThat(creator.name()).isEqualTo("pid 4242");
    }

    @Test
    void aLongNameIsCutAtACharacterBoundary() {
        String name = "é".repeat(100); // 200 bytes of UTF-8, two per character
        ObjectDirectory d = directory();
        IpcProcess longName = new IpcProcess(ProcessKind.BUNDLE, 3, "x" + name, 4242, 1_000, "carol", Set.of("staff"));
        d.create("long", PAGE, PERMISSIONS, r -> header(r, longName));

        String read = ObjectOwners.creatorOf(d.snapshot("long", PAGE), PERMISSIONS).name();

        assertThat(read.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(ObjectFileDescriptor.NAME_BYTES);
        assertThat(read).isEqualTo("x" + "é".repeat((ObjectFileDescriptor.NAME_BYTES - 1) / 2));
    }
}
