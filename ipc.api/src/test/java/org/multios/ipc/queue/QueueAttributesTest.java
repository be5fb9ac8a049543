package org.multios.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.queue.QueueOptionsTest.assertInvalid;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class QueueAttributesTest {

    @Test
    void reportsState() {
        QueueAttributes a = new QueueAttributes(64, 4, 0, Set.of());
        assertThat(a.isEmpty()).isTrue();
        assertThat(a.isFull()).isFalse();
        assertThat(a.nonBlocking()).isFalse();

        QueueAttributes full = new QueueAttributes(64, 4, 4, EnumSet.of(QueueFlag.NON_BLOCKING));
        assertThat(full.isFull()).isTrue();
        assertThat(full.isEmpty()).isFalse();
        assertThat(full.nonBlocking()).isTrue();
    }

    @Test
    void rejectsBadSizes() {
        assertInvalid(() -> new QueueAttributes(0, 4, 0, Set.of()), "maxMessageSize");
        assertInvalid(() -> new QueueAttributes(64, 0, 0, Set.of()), "maxMessages");
    }

    @Test
    void rejectsCountOutsideCapacity() {
        assertInvalid(() -> new QueueAttributes(64, 4, -1, Set.of()), "currentMessages");
        assertInvalid(() -> new QueueAttributes(64, 4, 5, Set.of()), "currentMessages");
    }

    @Test
    void rejectsCreateOnlyAndNullFlags() {
        assertInvalid(() -> new QueueAttributes(64, 4, 0, Set.of(QueueFlag.EXCLUSIVE)), "EXCLUSIVE");
        assertInvalid(() -> new QueueAttributes(64, 4, 0, null), "flags");
    }

    @Test
    void copiesFlags() {
        Set<QueueFlag> flags = EnumSet.noneOf(QueueFlag.class);
        QueueAttributes a = new QueueAttributes(64, 4, 1, flags);
        flags.add(QueueFlag.NON_BLOCKING);
        assertThat(a.flags()).isEmpty();
    }
}
