package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Message ids: unique within a run and across runs, and not a count a publisher could follow. */
class MessageIdsTest {
    @Test
    void idsAreUniqueAndTheNextCannotBeToldFromThoseBefore() {
        MessageIds ids = new MessageIds(new SecureRandom());
        Set<Long> seen = new HashSet<>();
        long previous = ids.nextSequence();
        seen.add(previous);
        int steps = 0;
        for (int i = 1; i < 200_000; i++) {
            long s = ids.nextSequence();
            assertThat(seen.add(s)).as("sequence %d repeated", s).isTrue();
            steps += s - previous == 1 ? 1 : 0;
            previous = s;
        }
        assertThat(steps).as("consecutive ids that differ by one").isLessThan(3);
    }

    @Test
    void eachRunHasItsOwnOriginAndKey() {
        MessageIds a = new MessageIds(new SecureRandom());
        MessageIds b = new MessageIds(new SecureRandom());
        assertThat(a.origin()).isNotEqualTo(b.origin());
        assertThat(a.nextSequence()).as("the first id of two runs").isNotEqualTo(b.nextSequence());
    }
}
