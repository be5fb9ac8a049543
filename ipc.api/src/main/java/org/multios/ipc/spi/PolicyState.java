package org.multios.ipc.spi;

import java.time.Instant;
import java.util.Objects;


/**
 * Whether a security policy is in force, since when, and where it came from; or why none is,
 * in which case no API service is published and no network peer is admitted.
 *
 * @param inForce whether a policy is in force
 * @param since   when this state began
 * @param source  the configuration the state is about: {@code PID (file)}, a PID, or
 *                {@code defaults} where nothing is configured
 * @param detail  what the policy holds (counts of rules, identities, tokens) when in force; the
 *                reason none is otherwise, naming the configuration, the key and what was expected
 */
public record PolicyState(boolean inForce, Instant since, String source, String detail) {
    /** Checks that nothing is null. */
    public PolicyState {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detail, "detail");
    }

    /** One line for operators: {@code in force since ...: ...} or {@code NO POLICY IN FORCE since ...: ...}. */
    public String describe() {
        return (inForce ? "policy in force since " + since + " from " + source + ": "
                : "NO POLICY IN FORCE since " + since + " (no API service, no network peer admitted): ") + detail;
    }
}
