package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The audit log's rate limit, on a clock the test moves (a pause of the JVM changes nothing). */
class AuditLogTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AuditLog log = new AuditLog(5, nanos::get);

    @Test
    void aFloodOfDenialsIsCountedNotWrittenBeyondTheBurst() {
        for (int i = 0; i < 10_000; i++) {
            log.denied("bundle 9", "write to", "queue 'q'");
        }
        assertThat(log.suppressed()).as("a burst of one second's worth (5) is written, the rest counted")
                .isEqualTo(10_000 - 5);
    }

    @Test
    void theRateRefillsWithTimeAndTheNextLineReportsTheCount() {
        for (int i = 0; i < 8; i++) {
            log.denied("bundle 9", "write to", "queue 'q'");
        }
        assertThat(log.suppressed()).isEqualTo(3);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(199));
        log.denied("bundle 9", "write to", "queue 'q'");
        assertThat(log.suppressed()).as("199 ms at 5 a second is less than one line").isEqualTo(4);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        log.denied("bundle 9", "write to", "queue 'q'");
        assertThat(log.suppressed()).as("the line written reports the count and starts it again").isZero();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        for (int i = 0; i < 6; i++) {
            log.denied("bundle 9", "write to", "queue 'q'");
        }
        assertThat(log.suppressed()).as("a long quiet time refills the burst, no more").isEqualTo(1);
    }
}
