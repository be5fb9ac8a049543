package org.multios.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;

class QueueOptionsTest {

    @Test
    void defaultsFollowTheLimits() {
        QueueOptions o = QueueOptions.defaults();
        assertThat(o.maxMessages()).isEqualTo(256).isEqualTo((int) Limit.QUEUE_MESSAGES.defaultValue());
        assertThat(o.maxMessageSize()).isEqualTo(8192);
        assertThat(o.flags()).isEmpty();
        assertThat(o.mode()).isEqualTo(0600);
        assertThat(o.exclusive()).isFalse();
        assertThat(o.nonBlocking()).isFalse();
    }

    @Test
    void ofTakesSizes() {
        assertThat(QueueOptions.of(100, 10)).isEqualTo(new QueueOptions(100, 10, Set.of(), 0600));
    }

    @Test
    void rejectsBadSizes() {
        assertInvalid(() -> QueueOptions.of(0, 10), "maxMessageSize");
        assertInvalid(() -> QueueOptions.of(100, 0), "maxMessages");
        assertInvalid(() -> QueueOptions.defaults().withMaxMessages(-5), "maxMessages");
        assertInvalid(() -> QueueOptions.defaults().withMaxMessageSize(-1), "maxMessageSize");
    }

    @Test
    void rejectsBadMode() {
        assertInvalid(() -> QueueOptions.defaults().withMode(01000), "mode");
        assertInvalid(() -> QueueOptions.defaults().withMode(-1), "mode");
    }

    @Test
    void rejectsNullFlags() {
        assertInvalid(() -> new QueueOptions(1, 1, null, 0600), "flags");
        Set<QueueFlag> withNull = new HashSet<>();
        withNull.add(null);
        assertInvalid(() -> QueueOptions.defaults().withFlags(withNull), "flags");
        assertInvalid(() -> QueueOptions.defaults().withFlags(QueueFlag.EXCLUSIVE, null), "flags");
        assertInvalid(() -> QueueOptions.defaults().withFlags((QueueFlag[]) null), "flags");
    }

    @Test
    void durabilityIsInMemoryByDefaultAndKeptByEveryCopy() {
        assertThat(QueueOptions.defaults().durability()).isEqualTo(QueueDurability.NONE);
        assertThat(new QueueOptions(1, 1, Set.of(), 0600).durability()).isEqualTo(QueueDurability.NONE);
        QueueOptions sync = QueueOptions.of(64, 8).withDurability(QueueDurability.SYNC);
        assertThat(sync.withMaxMessages(4).withMaxMessageSize(32).withFlags(QueueFlag.EXCLUSIVE).withMode(0640)
                .withWaitStrategy(null).durability()).isEqualTo(QueueDurability.SYNC);
        assertInvalid(() -> QueueOptions.defaults().withDurability(null), "durability");
    }

    @Test
    void aQueueIsNoLaneByDefaultAndEveryCopyKeepsTheKind() {
        assertThat(QueueOptions.defaults().lane()).isFalse();
        assertThat(new QueueOptions(1, 1, Set.of(), 0600, null, QueueDurability.NONE).lane()).isFalse();
        QueueOptions lane = QueueOptions.of(64, 8).withLane(true);
        assertThat(lane.lane()).isTrue();
        assertThat(lane.withMaxMessages(4).withMaxMessageSize(32).withFlags(QueueFlag.EXCLUSIVE).withMode(0640)
                .withWaitStrategy(null).withDurability(QueueDurability.NONE).lane()).isTrue();
        assertThat(lane.withLane(false)).isEqualTo(QueueOptions.of(64, 8));
    }

    @Test
    void flagsAreCopiedAndUnmodifiable() {
        Set<QueueFlag> flags = EnumSet.of(QueueFlag.NON_BLOCKING);
        QueueOptions o = QueueOptions.defaults().withFlags(flags);
        flags.add(QueueFlag.EXCLUSIVE);
        assertThat(o.flags()).containsExactly(QueueFlag.NON_BLOCKING);
        assertThatThrownBy(() -> o.flags().add(QueueFlag.EXCLUSIVE))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(o.nonBlocking()).isTrue();
        assertThat(o.exclusive()).isFalse();
    }

    @Test
    void varargFlagsAllowRepeats() {
        QueueOptions o = QueueOptions.defaults().withFlags(QueueFlag.EXCLUSIVE, QueueFlag.EXCLUSIVE);
        assertThat(o.flags()).containsExactly(QueueFlag.EXCLUSIVE);
        assertThat(o.exclusive()).isTrue();
        assertThat(QueueOptions.defaults().withFlags().flags()).isEmpty();
    }

    @Test
    void equalityIgnoresSetImplementation() {
        assertThat(new QueueOptions(5, 5, Set.of(QueueFlag.EXCLUSIVE), 0640))
                .isEqualTo(new QueueOptions(5, 5, EnumSet.of(QueueFlag.EXCLUSIVE), 0640));
    }

    static void assertInvalid(ThrowingCallable call, String what) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("queue").hasMessageContaining(what);
    }
}
