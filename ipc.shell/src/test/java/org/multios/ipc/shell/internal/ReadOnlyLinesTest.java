package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlyLinesTest {
    private final ReadOnlyLines readOnly = new ReadOnlyLines();

    @ParameterizedTest
    @ValueSource(strings = { "ipc:objects", "ipc:objects queue", "  ipc:object queue orders.v2 ", "ipc:processes",
        "ipc:limits", "ipc:rules" })
    void listingCommandsWithPlainWordsPass(String line) {
        assertThat(readOnly.test(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "ipc:unlink queue orders", "objects", "lb", "stop 0", "ipc:objects; ipc:unlink queue q",
        "ipc:objects | ipc:unlink queue q", "ipc:objects (ipc:unlink queue q)", "ipc:objects $x",
        "ipc:objects {ipc:unlink queue q}", "ipc:objects > /tmp/x", "ipc:objects\nipc:unlink queue q",
        "ipc:objects 'a b'", "ipc:objects\tqueue", "" })
    void anythingElseIsRefused(String line) {
        assertThat(readOnly.test(line)).isFalse();
    }
}
