package org.multios.ipc.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

class SignalledEventTest {

    @Test
    void keepsIndexAndData() {
        SignalledEvent e = new SignalledEvent(2, -7L);
        assertThat(e.index()).isEqualTo(2);
        assertThat(e.data()).isEqualTo(-7L);
    }

    @Test
    void rejectsNegativeIndex() {
        assertThatThrownBy(() -> new SignalledEvent(-1, 0)).isInstanceOf(IpcException.class)
                .hasMessageContaining("index -1")
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void waitListBoundIsSixtyFour() {
        assertThat(EventService.MAX_WAIT_EVENTS).isEqualTo(64);
    }
}
