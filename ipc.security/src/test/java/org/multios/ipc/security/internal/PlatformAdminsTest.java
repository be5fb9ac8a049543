package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;

class PlatformAdminsTest {
    private static final BundleFacts CONSOLE = new BundleFacts("jar/ipc.console.jar", "ipc.console", List.of());
    private static final BundleFacts OTHER = new BundleFacts("file:/opt/plugins/x.jar", "com.example.x", List.of());

    private static IpcProcess bundle(String user, String... groups) {
        return new IpcProcess(ProcessKind.BUNDLE, 7, "b", 1, 0, user, Set.of(groups));
    }

    @Test
    void withNoneConfiguredTheTrustedBundlesHoldTheRight() {
        PlatformAdmins admins = PlatformAdmins.parse(List.of());

        assertThat(admins.includes(bundle("root", "root"), CONSOLE, true)).isTrue();
        assertThat(admins.includes(bundle("root", "root"), OTHER, false)).as("same user, not trusted").isFalse();
        assertThat(admins.includes(bundle("root", "root"), null, true)).as("a network peer").isFalse();
    }

    @Test
    void configuredSubjectsReplaceTheDefault() {
        PlatformAdmins admins = PlatformAdmins.parse(List.of("group:ipcadmin", "bundle:file:/opt/plugins/*;name=com.example.x"));

        assertThat(admins.includes(bundle("ops", "ipcadmin"), OTHER, false)).isTrue();
        assertThat(admins.includes(bundle("alice", "staff"), OTHER, false)).as("by its location").isTrue();
        assertThat(admins.includes(bundle("alice", "staff"), CONSOLE, true)).as("trusted, but not listed").isFalse();
        assertThat(admins.describe()).isEqualTo("[group:ipcadmin, bundle:file:/opt/plugins/*;name=com.example.x]");
    }

    @Test
    void aSubjectThatIsNotOneIsRefused() {
        assertThatThrownBy(() -> PlatformAdmins.parse(List.of("*"))).isInstanceOf(IpcException.class)
                .hasMessageContaining("admin '*'");
        assertThatThrownBy(() -> PlatformAdmins.parse(List.of("root"))).isInstanceOf(IpcException.class)
                .hasMessageContaining("root");
    }
}
