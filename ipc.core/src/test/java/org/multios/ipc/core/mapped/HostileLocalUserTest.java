package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Issue #16 items 1 and 3: what another local OS user can prepare or change around an IPC root.
 * The attacker is a real second OS user ({@link OtherOsUser}); the roots live in a sticky
 * world-writable folder, as {@code /dev/shm} is. Each attack is refused or harmless.
 */
@Timeout(60)
class HostileLocalUserTest {
    private static final long ANY_SIZE = Long.MAX_VALUE;
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;

    private Path shared;

    @BeforeEach
    void sharedFolder() throws IOException {
        OtherOsUser.require();
        shared = OtherOsUser.stickyFolder("ipc-hostile-");
    }

    @AfterEach
    void clean() {
        if (shared != null) {
            OtherOsUser.run("rm", "-rf", shared.resolve("peer").toString()); // what the other user made
            deleteTree(shared);
        }
    }

    private static ObjectDirectory at(Path root) {
        return new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.QUEUE);
    }

    private static Permissions mine(int mode) {
        return new Permissions(LocalIdentity.user(), LocalIdentity.primaryGroup(), mode);
    }

    /** A valid object file made in a root of ours, readable by everyone, for the attacker to copy. */
    private Path objectFileToCopy() {
        ObjectDirectory legit = at(shared.resolve("legit"));
        legit.create("template", PAGE, mine(0644), r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, PAGE,
                0, 0644, 1, 1, 1));
        return legit.path("template");
    }

    private static void asPeer(String... command) {
        assertThat(OtherOsUser.run(command)).as(String.join(" ", command)).isZero();
    }

    private static void assertRefused(Runnable call, Path root) {
        IpcException e = catchThrowableOfType(call::run, IpcException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(root.toString());
    }

    @Test
    void aRootPreCreatedByAnotherUserIsRefusedAtEveryAttach() {
        Path template = objectFileToCopy();
        Path root = shared.resolve("peer");
        asPeer("mkdir", "-m", "0777", root.toString(), root.resolve("queue").toString());
        asPeer("cp", template.toString(), root.resolve("queue").resolve("telemetry").toString());
        asPeer("chmod", "0666", root.resolve("queue").resolve("telemetry").toString());
        ObjectDirectory victim = at(root);

        IpcException e = catchThrowableOfType(() -> victim.open("telemetry", ANY_SIZE), IpcException.class);
        assertThat(e).as("the planted queue is not opened").isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(root.toString()).contains(OtherOsUser.NAME).contains("rwxrwxrwx");
        assertRefused(() -> victim.snapshot("telemetry", PAGE), root);
        assertRefused(victim::names, root);
        assertRefused(() -> victim.unlink("telemetry"), root);
        assertRefused(() -> victim.setPermissions("telemetry", 0, mine(0600)), root);
        assertRefused(() -> victim.create("mine", PAGE, mine(0600), r -> { }), root);
        assertThat(root.resolve("queue").resolve("mine")).doesNotExist();
    }

    @Test
    void aRootThatIsASymbolicLinkIsRefusedAtEveryAttach() {
        Path template = objectFileToCopy();
        Path target = shared.resolve("peer");
        asPeer("mkdir", "-m", "0755", target.toString(), target.resolve("queue").toString());
        asPeer("cp", template.toString(), target.resolve("queue").resolve("telemetry").toString());
        Path root = shared.resolve("link");
        asPeer("ln", "-s", target.toString(), root.toString());
        ObjectDirectory victim = at(root);

        IpcException e = catchThrowableOfType(() -> victim.open("telemetry", ANY_SIZE), IpcException.class);
        assertThat(e).as("the planted queue is not opened").isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(root.toString()).contains("symbolic link");
        assertRefused(() -> victim.snapshot("telemetry", PAGE), root);
        assertRefused(() -> victim.create("mine", PAGE, mine(0600), r -> { }), root);
    }

    @Test
    void aGroupMemberRewritingTheHeaderDoesNotBecomeOwner() {
        ObjectDirectory dir = at(shared.resolve("ours"));
        ObjectDirectory.Created created = dir.create("jobs", PAGE, new Permissions("alice", OtherOsUser.GROUP, 0660),
                r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, PAGE, 0, 0660, 4242, 1, 1));
        Path file = dir.path("jobs");
        byte[] name = OtherOsUser.NAME.getBytes(StandardCharsets.UTF_8);
        byte[] owner = ByteBuffer.allocate(4 + name.length).order(ByteOrder.nativeOrder()).putInt(name.length)
                .put(name).array();

        assertThat(OtherOsUser.write(file, ObjectFileDescriptor.OWNER_OFFSET, owner)).as("the member may write")
                .isZero();
        assertThat(OtherOsUser.write(file, ObjectFileDescriptor.CREATOR_PID_OFFSET, new byte[8])).isZero();
        assertThat(new ObjectFileHeader(created.region()).names("jobs").owner()).as("the header was rewritten")
                .isEqualTo(OtherOsUser.NAME);

        assertThat(dir.permissions("jobs").owner()).isEqualTo("alice");
        assertThat(ObjectOwners.permissionsOf(dir.open("jobs", ANY_SIZE)).owner()).isEqualTo("alice");
        MappedRegion record = ObjectOwners.ownerRecord(dir.open("jobs", ANY_SIZE));
        assertThat(new ObjectFileHeader(record).creatorPid()).isEqualTo(4242);
        Path recordFile = OwnerRecords.path(dir.directory(), created.inode());
        assertThat(OtherOsUser.write(recordFile, ObjectFileDescriptor.OWNER_OFFSET, owner))
                .as("the owner record cannot be written by the member").isNotZero();
        assertThat(dir.permissions("jobs").owner()).isEqualTo("alice");
    }

    @Test
    void setPermissionsThroughASymbolicLinkWritesNothing() throws IOException {
        ObjectDirectory dir = at(shared.resolve("ours"));
        dir.create("jobs", PAGE, mine(0600), r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, PAGE, 0,
                0600, 1, 1, 1));
        Path precious = Files.write(shared.resolve("precious"), pageOf('p'));
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-------"));
        long inode = ((Number) Files.getAttribute(precious, "unix:ino")).longValue();
        Files.delete(dir.path("jobs"));
        Files.createSymbolicLink(dir.path("jobs"), precious);

        IpcException e = catchThrowableOfType(() -> dir.setPermissions("jobs", inode, mine(0666)),
                IpcException.class);

        assertThat(e).isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(Files.readAllBytes(precious)).isEqualTo(pageOf('p'));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(precious))).isEqualTo("rw-------");
    }

    @Test
    void setPermissionsChecksTheHeaderBeforeWriting() throws IOException {
        ObjectDirectory dir = at(shared.resolve("ours"));
        dir.prepareDirectories();
        Path notAnObject = Files.write(dir.path("jobs"), pageOf('n'));
        long inode = ((Number) Files.getAttribute(notAnObject, "unix:ino")).longValue();

        IpcException e = catchThrowableOfType(() -> dir.setPermissions("jobs", inode, mine(0600)),
                IpcException.class);

        assertThat(e).isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(e.getMessage()).contains("jobs").contains("magic");
        assertThat(Files.readAllBytes(notAnObject)).isEqualTo(pageOf('n'));
    }

    private static byte[] pageOf(char c) {
        byte[] b = new byte[PAGE];
        Arrays.fill(b, (byte) c);
        return b;
    }

    static void deleteTree(Path top) {
        try (var files = Files.walk(top)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(ObjectDirectory::deleteQuietly);
        } catch (IOException e) {
            // left for the OS to clean
        }
    }
}
