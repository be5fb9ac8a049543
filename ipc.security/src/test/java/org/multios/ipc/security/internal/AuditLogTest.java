package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditLogTest {
    @Test
    void aFloodOfDenialsIsCountedNotWritten() {
        AuditLog log = new AuditLog(5);
        for (int i = 0; i < 10_000; i++) {
            log.denied("bundle 9", "write to", "queue 'q'");
        }
        assertThat(log.suppressed()).isGreaterThanOrEqualTo(10_000 - 100);
    }
}
