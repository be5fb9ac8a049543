package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IpcNamesTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "orders", "Orders-2.v1", "_tmp", "a.b.c", "x-", "0", "a." })
    void acceptsPortableFileNames(String name) {
        assertThat(IpcNames.isValid(name)).isTrue();
        assertThat(IpcNames.requireValid(ObjectType.QUEUE, name)).isSameAs(name);
    }

    @Test
    void acceptsExactlyMaxLengthAndRejectsOneMore() {
        String max = "n".repeat(IpcNames.MAX_LENGTH);
        assertThat(IpcNames.MAX_LENGTH).isEqualTo(200);
        assertThat(IpcNames.isValid(max)).isTrue();

        String tooLong = "n".repeat(201);
        assertThat(IpcNames.isValid(tooLong)).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.CHANNEL, tooLong))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("channel name")
                .hasMessageContaining("201")
                .hasMessageContaining("200");
    }

    @ParameterizedTest
    @ValueSource(strings = { "...", ".hidden", ".q.123.tmp" })
    void rejectsALeadingDotWhichHiddenFilesUse(String name) {
        assertThat(IpcNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.QUEUE, name))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("starts with '.'");
    }

    @ParameterizedTest
    @ValueSource(strings = { ".", ".." })
    void rejectsDirectoryAliases(String name) {
        assertThat(IpcNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.PIPE, name))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("pipe name '" + name + "'")
                .hasMessageContaining("reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = { "a/b", "/etc", "../x", "a\\b", "with space", " lead", "tab\there", "new\nline", "a:b",
            "a*" })
    void rejectsSeparatorsWhitespaceAndPunctuation(String name) {
        assertThat(IpcNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.SHARED_MEMORY, name))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("shm name")
                .hasMessageContaining("allowed are A-Z a-z 0-9 . _ -");
    }

    @Test
    void namesTheOffendingCharacterAndPosition() {
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.QUEUE, "ab/cd"))
                .hasMessageContaining("'/' at 2");
    }

    @Test
    void rejectsUnicodeAndShowsItAsCodePoint() {
        assertThat(IpcNames.isValid("café")).isFalse();
        assertThat(IpcNames.isValid("Ωmega")).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.EVENT, "café"))
                .hasMessageContaining("event name")
                .hasMessageContaining("U+00E9 at 3");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsNullAndEmpty(String name) {
        assertThat(IpcNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.MUTEX, name))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("mutex name")
                .hasMessageContaining("is empty");
    }

    @Test
    void nullNameIsShownAsNull() {
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.SEMAPHORE, null))
                .hasMessageContaining("semaphore name null is empty");
    }

    @Test
    void longBadNamesAreAbbreviatedInTheMessage() {
        String name = "x".repeat(300);
        assertThatThrownBy(() -> IpcNames.requireValid(ObjectType.QUEUE, name))
                .hasMessageContaining("'" + "x".repeat(40) + "...'")
                .hasMessageNotContaining("x".repeat(41));
    }
}
