package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;

class LocalIdentityTest {

    @Test
    void currentProcessIsThisJvm() {
        IpcProcess self = LocalIdentity.currentProcess();
        long pid = ProcessHandle.current().pid();

        assertThat(self.kind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(self.pid()).isEqualTo(pid);
        assertThat(self.id()).isEqualTo(pid);
        assertThat(self.user()).isEqualTo(LocalIdentity.user()).isNotBlank();
        assertThat(self.groups()).containsExactly(LocalIdentity.primaryGroup());
        assertThat(self).isEqualTo(LocalIdentity.currentProcess());
    }

    @Test
    void bundleIdentityIsHostedByThisJvm() {
        IpcProcess b = LocalIdentity.bundle(12, "com.example.a", "alice", Set.of("staff"));

        assertThat(b.kind()).isEqualTo(ProcessKind.BUNDLE);
        assertThat(b.id()).isEqualTo(12);
        assertThat(b.name()).isEqualTo("com.example.a");
        assertThat(b.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(b.user()).isEqualTo("alice");
        assertThat(b.groups()).containsExactly("staff");
        assertThat(b).hasToString("bundle 12 (com.example.a)");
    }

    @Test
    void thisProcessIsAlive() {
        IpcProcess self = LocalIdentity.currentProcess();

        assertThat(LocalIdentity.isAlive(self.pid(), self.startTimeMillis())).isTrue();
        assertThat(LocalIdentity.isAlive(self.pid(), 0)).isTrue();
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsNotAlive() {
        IpcProcess self = LocalIdentity.currentProcess();
        // only meaningful where the platform reports start times
        if (self.startTimeMillis() != 0) {
            assertThat(LocalIdentity.isAlive(self.pid(), self.startTimeMillis() - 60_000)).isFalse();
        }
    }

    @Test
    @EnabledOnOs({ OS.LINUX, OS.MAC })
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFinishedChildIsNotAlive() throws Exception {
        Process child = new ProcessBuilder("true").start();
        long pid = child.pid();
        assertThat(child.waitFor()).isZero();

        assertThat(LocalIdentity.isAlive(pid, 0)).isFalse();
    }
}
