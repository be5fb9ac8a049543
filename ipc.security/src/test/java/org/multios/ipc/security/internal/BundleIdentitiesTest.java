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
import org.multios.ipc.local.LocalIdentity;

class BundleIdentitiesTest {
    private static final BundleFacts CLIENT = bundle("file:/opt/ipc/client.jar", "com.example.client");

    private static BundleFacts bundle(String location, String name, String... signers) {
        return new BundleFacts(location, name, List.of(signers));
    }

    @Test
    void unlistedBundlesActAsTheConfiguredDefault() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipcgroup", " audio "), List.of());

        IpcProcess p = ids.processOf(17, CLIENT);

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

        IpcProcess p = ids.processOf(3, CLIENT);

        assertThat(p.user()).isEqualTo(LocalIdentity.user());
        assertThat(p.groups()).containsExactly(LocalIdentity.primaryGroup());
    }

    @Test
    void blankOrNullDefaultUserMeansTheOsUser() {
        assertThat(BundleIdentities.parse("  ", List.of("g"), List.of()).processOf(1, CLIENT).user())
                .isEqualTo(LocalIdentity.user());
        assertThat(BundleIdentities.parse(null, List.of("g"), List.of()).processOf(1, CLIENT).user())
                .isEqualTo(LocalIdentity.user());
    }

    @Test
    void aBundleIsKnownByItsLocationNotByTheNameItGivesItself() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"),
                List.of("file:/opt/ipc/payroll.jar=payroll:finance,audit"));

        IpcProcess payroll = ids.processOf(9, bundle("file:/opt/ipc/payroll.jar", "com.example.payroll"));
        IpcProcess impostor = ids.processOf(10, bundle("file:/tmp/evil.jar", "com.example.payroll"));

        assertThat(payroll.user()).isEqualTo("payroll");
        assertThat(payroll.groups()).containsExactlyInAnyOrder("finance", "audit");
        assertThat(impostor.user()).as("the same symbolic name elsewhere acts as the default").isEqualTo("ipc");
        assertThat(impostor.groups()).containsExactly("ipc");
    }

    @Test
    void theNameAndTheSignerAreFurtherConditionsAndTheFirstMatchingEntryDecides() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"), List.of(
                "file:/opt/ipc/plugins/*;signer=CN=Sensors,O=Example=signed",
                "file:/opt/ipc/plugins/*;name=com.example.ui.*=ui:operators",
                "file:/opt/ipc/plugins/*=plugin"));

        assertThat(ids.processOf(1, bundle("file:/opt/ipc/plugins/a.jar", "x", "CN=Sensors,O=Example")).user())
                .isEqualTo("signed");
        assertThat(ids.processOf(2, bundle("file:/opt/ipc/plugins/b.jar", "com.example.ui.main")).user())
                .isEqualTo("ui");
        assertThat(ids.processOf(3, bundle("file:/opt/ipc/plugins/c.jar", "com.example.other")).user())
                .isEqualTo("plugin");
        assertThat(ids.processOf(4, bundle("file:/opt/other/b.jar", "com.example.ui.main")).user())
                .isEqualTo("ipc");
    }

    @Test
    void spacesAroundPartsAreIgnored() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"),
                List.of(" file:/opt/a.jar = alice : staff , dialout ,"));

        IpcProcess p = ids.processOf(9, bundle("file:/opt/a.jar", "a"));

        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.groups()).containsExactlyInAnyOrder("staff", "dialout");
    }

    @Test
    void entryWithoutGroupsUsesTheUserAsGroup() {
        BundleIdentities ids = BundleIdentities.parse("ipc", List.of("ipc"), List.of("loc:a=alice", "loc:c=bob:"));

        assertThat(ids.processOf(1, bundle("loc:a", "a")).groups()).containsExactly("alice");
        assertThat(ids.processOf(2, bundle("loc:c", "c")).user()).isEqualTo("bob");
        assertThat(ids.processOf(2, bundle("loc:c", "c")).groups()).containsExactly("bob");
    }

    @ParameterizedTest
    @ValueSource(strings = { "a.b", "=alice", "a.b=", "a.b=:staff", "a.b=   ", "a.b= :staff", "a.b=\"alice\"",
        "a.b=alice:st aff", "a.b;name==alice", "a.b;version=1=alice", ";name=x=alice", "ok.one=carol" })
    void malformedEntryIsRejectedNamingIt(String entry) {
        assertThatThrownBy(() -> BundleIdentities.parse("ipc", List.of("ipc"), List.of("ok.one=carol", entry)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'" + entry + "'");
    }
}
