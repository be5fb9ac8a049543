package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Issue #16 item 1, as reported: another OS user makes the (predictable) IPC root before the
 * gateway's user does and plants a queue file in it, mode 0666. Before, the victim's
 * open-or-create opened the planted queue and its message went into it; now the root is
 * refused with PERMISSION_DENIED naming its path and owner, and the planted file is untouched.
 */
@Timeout(60)
class HostileRootTest extends IpcRootSupport {
    @Test
    void aQueuePlantedInARootOfAnotherUserIsNeverUsed() throws Exception {
        OtherOsUser.require();
        Files.setPosixFilePermissions(root.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Path template = tempDir.resolve("template");
        try (IpcContext elsewhere = Ipc.open(new IpcEnvironment(template, IpcLimits.defaults()))) {
            elsewhere.service(MessageQueueService.class).create("telemetry", QueueOptions.of(64, 4).withMode(0644))
                    .close();
        }
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path planted = root.resolve("queue").resolve("telemetry");
        assertThat(OtherOsUser.run("mkdir", "-m", "0777", root.toString(), root.resolve("queue").toString()))
                .isZero();
        assertThat(OtherOsUser.run("cp", template.resolve("queue").resolve("telemetry").toString(),
                planted.toString())).isZero();
        assertThat(OtherOsUser.run("chmod", "0666", planted.toString())).isZero();
        byte[] before = Files.readAllBytes(planted);
        MessageQueueService queues = context().service(MessageQueueService.class);

        IpcException e = failsWith(IpcError.PERMISSION_DENIED,
                () -> queues.create("telemetry", QueueOptions.of(64, 4).withMode(0600)).send(new byte[] { 42 }, 0,
                        1, 0));

        assertThat(e.getMessage()).contains(root.toString()).contains(OtherOsUser.NAME);
        assertThat(Files.readAllBytes(planted)).as("nothing was written into the planted queue").isEqualTo(before);
        OtherOsUser.run("rm", "-rf", root.toString());
    }
}
