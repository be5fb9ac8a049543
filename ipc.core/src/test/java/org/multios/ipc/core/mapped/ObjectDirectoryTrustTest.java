package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.local.LocalIdentity;

/** The IPC root must be this user's own directory, so that nobody else can prepare it. */
class ObjectDirectoryTrustTest {
    @TempDir
    Path dir;

    private static final Permissions MINE = new Permissions(LocalIdentity.user(), LocalIdentity.primaryGroup(), 0600);

    private ObjectDirectory at(Path root) {
        return new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SHARED_MEMORY);
    }

    @Test
    void aRootOthersCanWriteIsRefusedBeforeAnyFileIsMade() throws Exception {
        Path root = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> at(root).create("x", 4096, MINE, r -> { }))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining(root.toString());
        assertThat(root.resolve("shm")).doesNotExist();
    }

    @Test
    void aSymbolicLinkAsRootIsRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThatThrownBy(() -> at(link).create("x", 4096, MINE, r -> { }))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(real.resolve("shm")).doesNotExist();
    }

    @Test
    void aRootThatIsALinkToNothingHoldsNoObjectsAndIsNotMadeThrough() throws Exception {
        Path missing = dir.resolve("missing");
        Path link = Files.createSymbolicLink(dir.resolve("dangling"), missing);
        assertThat(at(link).verifyDirectories()).isFalse();
        assertThat(at(link).names()).isEmpty();
        assertThatThrownBy(() -> at(link).prepareDirectories())
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
        assertThat(missing).doesNotExist();
    }

    @Test
    void aMissingRootHoldsNoObjects() {
        assertThat(at(dir.resolve("absent")).verifyDirectories()).isFalse();
        assertThat(at(dir.resolve("absent")).names()).isEmpty();
        assertThat(dir.resolve("absent")).doesNotExist();
    }

    /**
     * Issue #16 item 1: a root its group may write is refused, unless an operator names that
     * group as shared; then objects are made and opened in it.
     */
    @Test
    void aGroupWritableRootIsUsedOnlyWhenItsGroupIsTheConfiguredSharedGroup() throws Exception {
        Path root = Files.createDirectory(dir.resolve("team"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxr-x"));
        String group = Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        assertThatThrownBy(() -> at(root).create("x", 4096, MINE, r -> { }))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("writable by its group");

        String before = System.getProperty(TrustedDirectories.SHARED_GROUP_PROPERTY);
        System.setProperty(TrustedDirectories.SHARED_GROUP_PROPERTY, group);
        try {
            at(root).create("x", 4096, MINE, r -> new ObjectFileHeader(r).initialize(ObjectType.SHARED_MEMORY, 1,
                    4096, 0, 0600, 1, 1, 1));
            assertThat(at(root).open("x", Long.MAX_VALUE).inode()).isPositive();
        } finally {
            if (before == null) {
                System.clearProperty(TrustedDirectories.SHARED_GROUP_PROPERTY);
            } else {
                System.setProperty(TrustedDirectories.SHARED_GROUP_PROPERTY, before);
            }
        }
    }

    @Test
    void aFreshRootIsMadePrivateEnoughAndUsed() {
        Path root = dir.resolve("fresh");
        at(root).create("x", 4096, MINE, r -> { });
        assertThat(root.resolve("shm").resolve("x")).exists();
    }
}
