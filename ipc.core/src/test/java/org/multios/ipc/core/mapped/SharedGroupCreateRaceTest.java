package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

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
 * An IPC root shared with a group ({@value TrustedDirectories#SHARED_GROUP_PROPERTY}): its
 * members may write the kind directories, so one of them ({@link OtherOsUser}) can rename a new
 * object's temporary file away and put a symbolic link to a file of the creator's, or a file of
 * its own, under that name while the creator is making it (a hook holds that moment open). The
 * creator must not chmod, chown, fill or map the link's target, nor publish the member's file.
 */
@Timeout(60)
class SharedGroupCreateRaceTest {
    private static final int PAGE = ObjectFileDescriptor.PAGE_SIZE;

    private Path shared;
    private String groupBefore;

    @BeforeEach
    void sharedRoot() throws IOException, InterruptedException {
        OtherOsUser.require();
        Path devShm = Path.of("/dev/shm");
        shared = Files.createTempDirectory(Files.isDirectory(devShm) ? devShm : Path.of("/tmp"), "ipc-group-");
        exec("chmod", "0755", shared.toString());
        Path root = Files.createDirectory(shared.resolve("root"));
        Files.createDirectory(root.resolve("queue"));
        for (Path d : new Path[] {root, root.resolve("queue")}) {
            exec("chgrp", OtherOsUser.GROUP, d.toString());
            exec("chmod", "0775", d.toString());
        }
        groupBefore = System.getProperty(TrustedDirectories.SHARED_GROUP_PROPERTY);
        System.setProperty(TrustedDirectories.SHARED_GROUP_PROPERTY, OtherOsUser.GROUP);
    }

    @AfterEach
    void clean() {
        if (groupBefore == null) {
            System.clearProperty(TrustedDirectories.SHARED_GROUP_PROPERTY);
        } else {
            System.setProperty(TrustedDirectories.SHARED_GROUP_PROPERTY, groupBefore);
        }
        if (shared != null) {
            HostileLocalUserTest.deleteTree(shared);
        }
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).as(String.join(" ", command)).isZero();
    }

    private static void asPeer(String... command) {
        assertThat(OtherOsUser.run(command)).as(String.join(" ", command)).isZero();
    }

    private ObjectDirectory directory() {
        return new ObjectDirectory(new IpcEnvironment(shared.resolve("root"), IpcLimits.defaults()), ObjectType.QUEUE);
    }

    private static Permissions wide() {
        return new Permissions(LocalIdentity.user(), OtherOsUser.GROUP, 0666);
    }

    @Test
    void aTemporaryFileSwappedForALinkLeavesTheLinksTargetAlone() throws Exception {
        Path victim = shared.resolve("victim");
        Files.writeString(victim, "secret\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        PosixFileAttributes before = Files.readAttributes(victim, PosixFileAttributes.class);
        ObjectDirectory dir = directory();
        dir.createHook(temp -> {
            asPeer("mv", temp.toString(), temp + ".moved");
            asPeer("ln", "-s", victim.toString(), temp.toString());
        });

        IpcException e = catchThrowableOfType(() -> dir.create("jobs", 2L * PAGE, wide(),
                r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, 2 * PAGE, 0, 0666, 1, 1, 1)),
                IpcException.class);

        PosixFileAttributes after = Files.readAttributes(victim, PosixFileAttributes.class);
        assertThat(PosixFilePermissions.toString(after.permissions())).as("the target's mode").isEqualTo("rw-------");
        assertThat(after.group()).as("the target's group").isEqualTo(before.group());
        assertThat(Files.readString(victim, StandardCharsets.ISO_8859_1)).as("the target's bytes")
                .isEqualTo("secret\n");
        assertThat(e).as("the create is refused").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.BUSY);
        assertThat(e.getMessage()).contains("queue 'jobs'");
        assertThat(dir.path("jobs")).doesNotExist();
    }

    @Test
    void aTemporaryFileSwappedForAFileOfTheMembersIsNotPublished() throws Exception {
        ObjectDirectory dir = directory();
        dir.createHook(temp -> {
            asPeer("mv", temp.toString(), temp + ".moved");
            asPeer("sh", "-c", "umask 0; : > '" + temp + "'");
        });

        IpcException e = catchThrowableOfType(() -> dir.create("jobs", 2L * PAGE, wide(),
                r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, 2 * PAGE, 0, 0666, 1, 1, 1)),
                IpcException.class);

        assertThat(e).as("the create is refused").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.BUSY);
        assertThat(dir.path("jobs")).doesNotExist();
    }

    @Test
    void anOwnerRecordsTemporaryFileSwappedForALinkLeavesTheLinksTargetAlone() throws Exception {
        Path victim = shared.resolve("victim");
        Files.writeString(victim, "secret\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        ObjectDirectory dir = directory();
        dir.recordHook(temp -> {
            asPeer("mv", temp.toString(), temp + ".moved");
            asPeer("ln", "-s", victim.toString(), temp.toString());
        });
        Path records = shared.resolve("root").resolve(".owners");
        Files.createDirectories(records.resolve("queue"));
        for (Path d : new Path[] {records, records.resolve("queue")}) {
            exec("chgrp", OtherOsUser.GROUP, d.toString());
            exec("chmod", "0775", d.toString());
        }

        IpcException e = catchThrowableOfType(() -> dir.create("jobs", 2L * PAGE, wide(),
                r -> new ObjectFileHeader(r).initialize(ObjectType.QUEUE, 1, 2 * PAGE, 0, 0666, 1, 1, 1)),
                IpcException.class);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).as("the target's mode")
                .isEqualTo("rw-------");
        assertThat(Files.readString(victim, StandardCharsets.ISO_8859_1)).as("the target's bytes")
                .isEqualTo("secret\n");
        assertThat(e).as("the create is refused").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.BUSY);
        assertThat(dir.path("jobs")).doesNotExist();
    }
}
