package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Permissions;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Issue #16 item 1 for named pipes: the pipe directory is checked like every other kind's, and
 * a FIFO swapped for a symbolic link while its permissions change does not pass the change on
 * to the link's target.
 */
@Timeout(60)
class HostileFifoTest {
    @TempDir
    Path folder;

    private static Permissions mine(int mode) {
        return new Permissions(LocalIdentity.user(), LocalIdentity.primaryGroup(), mode);
    }

    private FifoDirectory fifos(Path root) {
        return new FifoDirectory(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @Test
    void aFifoSwappedForASymbolicLinkWhileItsModeChangesLeavesTheTargetAlone() throws IOException {
        FifoDirectory fifos = fifos(folder.resolve("root"));
        fifos.create("p", mine(0600), LocalIdentity.currentProcess());
        Path precious = Files.writeString(folder.resolve("precious"), "keep");
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-------"));
        fifos.permissionsHook(() -> {
            try {
                Files.delete(fifos.path("p"));
                Files.createSymbolicLink(fifos.path("p"), precious);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        IpcException e = catchThrowableOfType(() -> fifos.setPermissions("p", mine(0666)), IpcException.class);

        assertThat(e).as("the change is refused").isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.BUSY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(precious))).isEqualTo("rw-------");
    }

    /**
     * In a root shared with a group a member may write the pipe directory: the name of a FIFO
     * being made is swapped for a link between mkfifo and the change of its mode.
     */
    @Test
    void aFifoSwappedForASymbolicLinkWhileItIsMadeLeavesTheTargetAlone() throws IOException {
        FifoDirectory fifos = fifos(folder.resolve("root"));
        Path precious = Files.writeString(folder.resolve("precious"), "keep");
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-------"));
        fifos.createHook(() -> {
            try {
                Files.delete(fifos.path("p"));
                Files.createSymbolicLink(fifos.path("p"), precious);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        IpcException e = catchThrowableOfType(() -> fifos.create("p", mine(0666), LocalIdentity.currentProcess()),
                IpcException.class);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(precious))).isEqualTo("rw-------");
        assertThat(e).as("the create is refused").isNotNull();
        assertThat(e.error()).isEqualTo(IpcError.BUSY);
        assertThat(e.getMessage()).contains("pipe 'p'");
    }

    @Test
    void aPipeDirectoryInARootOfAnotherUserIsRefused() throws Exception {
        OtherOsUser.require();
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path root = folder.resolve("peer");
        try {
            assertThat(OtherOsUser.run("mkdir", "-m", "0777", root.toString(), root.resolve("pipe").toString()))
                    .isZero();
            assertThat(OtherOsUser.run("mkfifo", "-m", "0666", root.resolve("pipe").resolve("commands").toString()))
                    .isZero();
            FifoDirectory fifos = fifos(root);

            for (Runnable attach : new Runnable[] { () -> fifos.permissions("commands"),
                    () -> fifos.create("mine", mine(0600), LocalIdentity.currentProcess()), fifos::names }) {
                IpcException e = catchThrowableOfType(attach::run, IpcException.class);
                assertThat(e).as("refused").isNotNull();
                assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
                assertThat(e.getMessage()).contains(root.toString()).contains(OtherOsUser.NAME);
            }
            assertThat(root.resolve("pipe").resolve("mine")).doesNotExist();
        } finally {
            OtherOsUser.run("rm", "-rf", root.toString());
        }
    }
}
