package org.multios.ipc.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;
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
}
