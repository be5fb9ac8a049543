package org.multios.ipc.security.internal;

import java.util.function.LongSupplier;

import org.multios.ipc.spi.PolicyState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per change of the policy, accepted or refused, and one line per denial to the logger {@value #LOGGER}, at most {@code ratePerSecond} lines
 * a second on average (bursts of up to one second's worth); lines over the rate are counted and
 * the count is reported on the next line written, so a flood of denials cannot fill the disk.
 */
final class AuditLog {
    static final String LOGGER = "ipc.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final LongSupplier nanoClock;
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;
    private long suppressed;

    AuditLog(double ratePerSecond) {
        this(ratePerSecond, System::nanoTime);
    }

    /** A log whose rate is measured on {@code nanoClock} (monotonic nanoseconds). */
    AuditLog(double ratePerSecond, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.ratePerNano = Math.max(ratePerSecond, 0.001) / 1e9;
        this.burst = Math.max(1, ratePerSecond);
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /** Records a change of the policy; never rate-limited (operators make them). */
    static void policy(PolicyState state) {
        if (state.inForce()) {
            LOG.info("policy change: {}", state.describe());
        } else {
            LOG.warn("policy change: {}", state.describe());
        }
    }

    /** Records a denial. */
    synchronized void denied(String who, String operation, String object) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens < 1) {
            suppressed++;
            return;
        }
        tokens -= 1;
        if (suppressed > 0) {
            LOG.warn("DENIED {} to {} {} ({} more denials not logged)", who, operation, object, suppressed);
            suppressed = 0;
        } else {
            LOG.warn("DENIED {} to {} {}", who, operation, object);
        }
    }

    /** Denials not written since the last line. */
    synchronized long suppressed() {
        return suppressed;
    }
}
