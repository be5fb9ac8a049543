package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpcErrorTest {

    @Test
    void codesAreUnique() {
        assertThat(Arrays.stream(IpcError.values()).map(IpcError::code)).doesNotHaveDuplicates();
    }

    /** The numbers cross process and network boundaries: changing one breaks the wire formats. */
    @Test
    void codesAreStable() {
        assertThat(IpcError.INVALID_ARGUMENT.code()).isEqualTo(1);
        assertThat(IpcError.NOT_FOUND.code()).isEqualTo(2);
        assertThat(IpcError.ALREADY_EXISTS.code()).isEqualTo(3);
        assertThat(IpcError.PERMISSION_DENIED.code()).isEqualTo(4);
        assertThat(IpcError.LIMIT_EXCEEDED.code()).isEqualTo(5);
        assertThat(IpcError.WOULD_BLOCK.code()).isEqualTo(6);
        assertThat(IpcError.TIMEOUT.code()).isEqualTo(7);
        assertThat(IpcError.INTERRUPTED.code()).isEqualTo(8);
        assertThat(IpcError.CLOSED.code()).isEqualTo(9);
        assertThat(IpcError.BROKEN_PIPE.code()).isEqualTo(10);
        assertThat(IpcError.OWNER_DEAD.code()).isEqualTo(11);
        assertThat(IpcError.NOT_RECOVERABLE.code()).isEqualTo(12);
        assertThat(IpcError.MESSAGE_TOO_LARGE.code()).isEqualTo(13);
        assertThat(IpcError.NOT_OWNER.code()).isEqualTo(14);
        assertThat(IpcError.CORRUPTED.code()).isEqualTo(15);
        assertThat(IpcError.PROTOCOL_ERROR.code()).isEqualTo(16);
        assertThat(IpcError.UNSUPPORTED.code()).isEqualTo(17);
        assertThat(IpcError.IO_ERROR.code()).isEqualTo(18);
        assertThat(IpcError.UNAVAILABLE.code()).isEqualTo(19);
        assertThat(IpcError.BUSY.code()).isEqualTo(20);
        assertThat(IpcError.DEADLOCK.code()).isEqualTo(21);
        assertThat(IpcError.OUTCOME_UNKNOWN.code()).isEqualTo(22);
    }

    @ParameterizedTest
    @EnumSource(IpcError.class)
    void ofCodeRoundTrips(IpcError error) {
        assertThat(IpcError.ofCode(error.code())).isSameAs(error);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, -1, 999, Integer.MAX_VALUE, Integer.MIN_VALUE })
    void unknownCodeIsInvalidArgument(int code) {
        assertThatThrownBy(() -> IpcError.ofCode(code))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining(String.valueOf(code));
    }

    @Test
    void theCodeAfterTheLastIsUnknown() {
        int next = Arrays.stream(IpcError.values()).mapToInt(IpcError::code).max().getAsInt() + 1;
        assertThatThrownBy(() -> IpcError.ofCode(next))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }
}
