package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PermissionsTest {
    private static final IpcProcess ALICE = process("alice", "staff");
    private static final IpcProcess BOB_IN_STAFF = process("bob", "staff");
    private static final IpcProcess CAROL_ELSEWHERE = process("carol", "audio");

    private static IpcProcess process(String user, String... groups) {
        return new IpcProcess(ProcessKind.BUNDLE, 1, "test", 1, 0, user, new LinkedHashSet<>(List.of(groups)));
    }

    @Test
    void ownerGroupAndOtherGetTheirOwnTriplet() {
        Permissions p = new Permissions("alice", "staff", 0640);

        assertThat(p.rightsOf(ALICE)).isEqualTo(Rights.READ | Rights.WRITE | Rights.ADMIN);
        assertThat(p.rightsOf(BOB_IN_STAFF)).isEqualTo(Rights.READ);
        assertThat(p.rightsOf(CAROL_ELSEWHERE)).isEqualTo(Rights.NONE);
    }

    @Test
    void otherTripletAppliesToStrangers() {
        Permissions p = new Permissions("alice", "staff", 0602);
        assertThat(p.rightsOf(CAROL_ELSEWHERE)).isEqualTo(Rights.WRITE);
        assertThat(p.rightsOf(BOB_IN_STAFF)).isEqualTo(Rights.NONE);
    }

    @Test
    void ownerAlwaysHoldsAdminEvenWithModeZero() {
        Permissions p = new Permissions("alice", "staff", 0);
        assertThat(p.rightsOf(ALICE)).isEqualTo(Rights.ADMIN);
        assertThat(p.rightsOf(BOB_IN_STAFF)).isEqualTo(Rights.NONE);
    }

    @Test
    void ownerTripletWinsOverAMoreGenerousGroupTriplet() {
        // as in POSIX: the first class that matches decides, even if a later one grants more
        Permissions p = new Permissions("alice", "staff", 0066);
        assertThat(p.rightsOf(ALICE)).isEqualTo(Rights.ADMIN);
    }

    @Test
    void nobodyButTheOwnerGetsAdmin() {
        Permissions p = new Permissions("alice", "staff", 0777);
        assertThat(Rights.includes(p.rightsOf(BOB_IN_STAFF), Rights.ADMIN)).isFalse();
        assertThat(Rights.includes(p.rightsOf(CAROL_ELSEWHERE), Rights.ADMIN)).isFalse();
        assertThat(p.rightsOf(CAROL_ELSEWHERE)).isEqualTo(Rights.READ_WRITE);
    }

    @Test
    void executeBitGrantsNothing() {
        Permissions p = new Permissions("alice", "staff", 0111);
        assertThat(p.rightsOf(BOB_IN_STAFF)).isEqualTo(Rights.NONE);
        assertThat(p.rightsOf(CAROL_ELSEWHERE)).isEqualTo(Rights.NONE);
    }

    @ParameterizedTest
    @CsvSource({ "0, ---------", "0777, rwxrwxrwx", "0640, rw-r-----", "0660, rw-rw----", "0604, rw----r--",
            "0421, r---w---x" })
    void modeStringIsAsLs(String octal, String expected) {
        Permissions p = new Permissions("u", "g", Integer.parseInt(octal, 8));
        assertThat(p.modeString()).isEqualTo(expected);
        assertThat(p).hasToString(expected + " u:g");
    }

    @ParameterizedTest
    @CsvSource({ "660, 0660", "0640, 0640", "0, 0", "777, 0777", "0777, 0777", "7, 07" })
    void parseModeReadsOctal(String text, String expectedOctal) {
        assertThat(Permissions.parseMode(text)).isEqualTo(Integer.parseInt(expectedOctal, 8));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "abc", "8", "0680", "1000", "-1", "6 60", "0x1ff" })
    void parseModeRejectsAnythingElse(String text) {
        assertThatThrownBy(() -> Permissions.parseMode(text))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 01000, Integer.MAX_VALUE })
    void rejectsModeOutOfRange(int mode) {
        assertThatThrownBy(() -> new Permissions("alice", "staff", mode))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void rejectsEmptyOwnerOrGroup() {
        assertThatThrownBy(() -> new Permissions("", "staff", 0600)).hasMessageContaining("owner");
        assertThatThrownBy(() -> new Permissions(null, "staff", 0600)).hasMessageContaining("owner");
        assertThatThrownBy(() -> new Permissions("alice", "", 0600)).hasMessageContaining("group");
        assertThatThrownBy(() -> new Permissions("alice", null, 0600)).hasMessageContaining("group");
    }

    @Test
    void withModeAndWithOwnerMakeCopies() {
        Permissions p = new Permissions("alice", "staff", 0600);

        Permissions wider = p.withMode(0664);
        assertThat(wider).isEqualTo(new Permissions("alice", "staff", 0664));
        assertThat(p.mode()).isEqualTo(0600);

        Permissions given = p.withOwner("bob", "audio");
        assertThat(given.owner()).isEqualTo("bob");
        assertThat(given.group()).isEqualTo("audio");
        assertThat(given.mode()).isEqualTo(0600);
        assertThat(p.owner()).isEqualTo("alice");
    }

    @Test
    void withModeAndWithOwnerValidate() {
        Permissions p = new Permissions("alice", "staff", 0600);
        assertThatThrownBy(() -> p.withMode(01000)).isInstanceOf(IpcException.class);
        assertThatThrownBy(() -> p.withOwner("", "staff")).isInstanceOf(IpcException.class);
        assertThatThrownBy(() -> p.withOwner("bob", "")).isInstanceOf(IpcException.class);
    }

    @Test
    void equalityCoversOwnerGroupAndMode() {
        Permissions p = new Permissions("alice", "staff", 0600);
        assertThat(p).isEqualTo(new Permissions("alice", "staff", 0600))
                .hasSameHashCodeAs(new Permissions("alice", "staff", 0600))
                .isNotEqualTo(new Permissions("alice", "staff", 0660))
                .isNotEqualTo(new Permissions("alice", "audio", 0600))
                .isNotEqualTo(new Permissions("bob", "staff", 0600));
    }

    @Test
    void ofUsesTheProcessUser() {
        Permissions p = Permissions.of(process("alice", "staff"), 0640);
        assertThat(p).isEqualTo(new Permissions("alice", "staff", 0640));
    }

    @Test
    void ofFallsBackToTheUserWithoutGroups() {
        Permissions p = Permissions.of(process("alice"), 0600);
        assertThat(p.group()).isEqualTo("alice");
    }

    @Test
    void ofUsesThePrimaryGroupWhichIsTheFirst() {
        IpcProcess p = process("alice", "staff", "dialout", "audio", "video", "plugdev", "users", "cdrom");
        assertThat(Permissions.of(p, 0660).group()).isEqualTo("staff");
    }

    @Test
    void processKeepsEveryGroup() {
        IpcProcess p = process("alice", "staff", "dialout");
        assertThat(p.groups()).containsExactlyInAnyOrder("staff", "dialout");
        assertThat(p.inGroup("dialout")).isTrue();
        assertThat(p.inGroup("alice")).isFalse();
    }
}
