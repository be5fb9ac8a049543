package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.spi.LocalIdentity;

class BundleIdentitiesTest {

    @Test
    void unlistedBundlesActAsTheConfiguredDefault() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipcgroup", " audio "), List.of());

        IpcProcess p = ids.processOf(17, "com.example.client");

        assertThat(p.kind()).isEqualTo(ProcessKind.BUNDLE);
        assertThat(p.id()).isEqualTo(17);
        assertThat(p.name()).isEqualTo("com.example.client");
        assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(p.user()).isEqualTo("ipc");
        assertThat(p.groups()).containsExactlyInAnyOrder("ipcgroup", "audio");
    }

    @Test
    void emptyDefaultsMeanTheOsUserAndPrimaryGroup() {
        BundleIdentities ids = BundleIdentities.parse("", List.of(), List.of());

        IpcProcess p = ids.processOf(3, "any");

        assertThat(p.user()).isEqualTo(LocalIdentity.user());
        assertThat(p.groups()).containsExactly(LocalIdentity.primaryGroup());
    }

    @Test
    void blankOrNullDefaultUserMeansTheOsUser() {
        assertThat(BundleIdentities.parse("  ", List.of("g"), List.of()).processOf(1, "b").user())
                .isEqualTo(LocalIdentity.user());
        assertThat(BundleIdentities.parse(null, List.of("g"), List.of()).processOf(1, "b").user())
                .isEqualTo(LocalIdentity.user());
    }

    @Test
    void listedBundleGetsItsUserAndGroups() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"), List.of("a.b=alice:staff,dialout"));

        IpcProcess p = ids.processOf(9, "a.b");

        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.groups()).containsExactlyInAnyOrder("staff", "dialout");
        assertThat(ids.processOf(10, "a.c").user()).as("other bundles keep the default").isEqualTo("ipc");
    }

    @Test
    void spacesAroundPartsAreIgnored() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"),
                List.of(" a.b = alice : staff , dialout ,"));

        IpcProcess p = ids.processOf(9, "a.b");

        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.groups()).containsExactlyInAnyOrder("staff", "dialout");
    }

    @Test
    void entryWithoutGroupsUsesTheUserAsGroup() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"), List.of("a.b=alice", "c.d=bob:"));

        assertThat(ids.processOf(1, "a.b").groups()).containsExactly("alice");
        assertThat(ids.processOf(2, "c.d").user()).isEqualTo("bob");
        assertThat(ids.processOf(2, "c.d").groups()).containsExactly("bob");
    }

    @ParameterizedTest
    @ValueSource(strings = { "a.b", "=alice", "a.b=", "a.b=:staff", "a.b=   ", "a.b= :staff" })
    void malformedEntryIsRejectedNamingIt(String entry) {
        assertThatThrownBy(() -> BundleIdentities.parse("ipc", List.of("ipc"), List.of("ok.one=carol", entry)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'" + entry + "'");
    }
}
