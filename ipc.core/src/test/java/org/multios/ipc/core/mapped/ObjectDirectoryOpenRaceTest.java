package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Issue #26, item 5: an open returns the attributes of the file it opened. A hook runs between
 * reading the name's attributes and opening it and re-creates the name there; before, the open
 * mapped the new file and reported the old file's mode, which access decisions are made on.
 */
@Timeout(30)
class ObjectDirectoryOpenRaceTest {
    @TempDir
    Path root;

    private ObjectDirectory directory;
    private String user;
    private String group;

    @BeforeEach
    void create() throws Exception {
        directory = new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.SHARED_MEMORY);
        PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class);
        user = a.owner().getName();
        group = a.group().getName();
        make(0666);
    }

    private ObjectDirectory.Created make(int mode) {
        return directory.create("raced", ObjectFileDescriptor.PAGE_SIZE, new Permissions(user, group, mode),
                r -> new ObjectFileHeader(r).initialize(ObjectType.SHARED_MEMORY, 1, ObjectFileDescriptor.PAGE_SIZE, 0,
                        mode, 1, 1, 1));
    }

    /** Re-creates the name the first time the hook runs, with {@code mode}. */
    private long[] recreateOnce(int mode) {
        long[] inode = { 0 };
        directory.openHook(() -> {
            if (inode[0] == 0) {
                directory.unlink("raced");
                inode[0] = make(mode).inode();
            }
        });
        return inode;
    }

    @Test
    void aNameRecreatedWithMode0600MidOpenIsOpenedWithTheNewFilesMode() {
        long[] recreated = recreateOnce(0600);

        ObjectDirectory.Opened opened = directory.open("raced", Long.MAX_VALUE);

        assertThat(opened.inode()).as("the file opened is the new one").isEqualTo(recreated[0]);
        assertThat(ObjectOwners.permissionsOf(opened).mode()).as("access is decided on the file opened")
                .isEqualTo(0600);
        assertThat(directory.snapshot("raced", ObjectFileDescriptor.PAGE_SIZE).attributes().fileKey())
                .isEqualTo(opened.attributes().fileKey());
    }

    @Test
    void aNameReplacedByASymbolicLinkMidOpenIsNotFollowed() throws Exception {
        Path elsewhere = Files.writeString(root.resolve("elsewhere"), "x".repeat(ObjectFileDescriptor.PAGE_SIZE));
        directory.openHook(() -> {
            try {
                Files.delete(directory.path("raced"));
                Files.createSymbolicLink(directory.path("raced"), elsewhere);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });

        IpcException e = catchThrowableOfType(() -> directory.open("raced", Long.MAX_VALUE), IpcException.class);

        assertThat(e.error()).isEqualTo(IpcError.CORRUPTED);
        assertThat(e).hasMessageContaining("raced").hasMessageContaining("not a regular file");
    }

    @Test
    void aNameThatKeepsChangingIsGivenUpWithBusy() {
        directory.openHook(() -> {
            directory.unlink("raced");
            make(0666);
        });

        IpcException e = catchThrowableOfType(() -> directory.open("raced", Long.MAX_VALUE), IpcException.class);

        assertThat(e.error()).isEqualTo(IpcError.BUSY);
        assertThat(e).hasMessageContaining("raced").hasMessageContaining(ObjectDirectory.OPEN_ATTEMPTS + " times");
    }
}
