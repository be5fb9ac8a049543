package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WaitStrategyTest {
    @Test
    void textFormReadsBackToTheSameStrategy() {
        for (WaitStrategy s : new WaitStrategy[] { WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.BACKOFF,
                WaitStrategy.ADAPTIVE, WaitStrategy.adaptive(7), WaitStrategy.backoff(0) }) {
            assertThat(WaitStrategy.parse(s.toString())).isEqualTo(s);
        }
        assertThat(WaitStrategy.parse(" Adaptive:20 ")).isEqualTo(WaitStrategy.adaptive(20));
        assertThat(WaitStrategy.parse("adaptive")).isEqualTo(WaitStrategy.ADAPTIVE);
        assertThat(WaitStrategy.ADAPTIVE.spinMicros()).isEqualTo(WaitStrategy.DEFAULT_ADAPTIVE_MICROS);
        assertThat(WaitStrategy.SPIN.sleeps()).isFalse();
        assertThat(WaitStrategy.BLOCK.sleeps()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "sleep", "block:5", "spin:1", "adaptive:", "adaptive:x", "adaptive:-1",
            "backoff:1000001" })
    void badTextIsRefusedNamingIt(String text) {
        assertThatThrownBy(() -> WaitStrategy.parse(text)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void budgetsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> WaitStrategy.adaptive(-1)).isInstanceOf(IpcException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> WaitStrategy.backoff(WaitStrategy.MAX_SPIN_MICROS + 1))
                .isInstanceOf(IpcException.class);
        assertThatThrownBy(() -> WaitStrategy.parse(null)).isInstanceOf(IpcException.class);
    }

    @Test
    void optionsCarryTheStrategyThroughTheirCopies() {
        var channel = org.multios.ipc.channel.ChannelOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
        assertThat(channel.withBufferSize(4096).withMaxMessages(3).withMode(0640).waitStrategy())
                .isEqualTo(WaitStrategy.SPIN);
        assertThat(org.multios.ipc.channel.ChannelOptions.defaults().waitStrategy()).isNull();
        var queue = org.multios.ipc.queue.QueueOptions.defaults().withWaitStrategy(WaitStrategy.BLOCK);
        assertThat(queue.withMaxMessages(3).withMode(0640).waitStrategy()).isEqualTo(WaitStrategy.BLOCK);
        var mutex = org.multios.ipc.sync.MutexOptions.DEFAULT.withWaitStrategy(WaitStrategy.BACKOFF);
        assertThat(mutex.withRecursive(true).withRobust(false).waitStrategy()).isEqualTo(WaitStrategy.BACKOFF);
        var sem = org.multios.ipc.sync.SemaphoreOptions.of(1).withWaitStrategy(WaitStrategy.adaptive(3));
        assertThat(sem.withMax(5).waitStrategy()).isEqualTo(WaitStrategy.adaptive(3));
    }
}
