package org.multios.ipc.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void aValueCannotEndItsLineNorFillTheLog() {
        assertThat(LogText.of("alice")).isEqualTo("alice");
        assertThat(LogText.of("x\n2026-12-03 WARN ipc.audit - ssh login: root (admin)\r\u001b[2K\u2028\\"))
                .isEqualTo("x\\n2026-12-03 WARN ipc.audit - ssh login: root (admin)\\r\\u001b[2K\\u2028\\\\")
                .doesNotContain("\n", "\r", "\u001b", "\u2028");
        assertThat(LogText.of("y".repeat(100_000))).hasSize(LogText.MAX + "...(100000 characters)".length());
        assertThat(LogText.of(null)).isEqualTo("null");
    }
}
