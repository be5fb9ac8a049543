package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.core.mapped.Deadlines;

/**
 * A named-pipe end that waits in {@code poll} sleeps in slices of the time left: at most
 * {@link FifoDescriptors#SLICE_MILLIS}, at least 1 ms, rounded up. A wait without a deadline
 * (a reader waiting for its first writer, a writer for its first reader, a wait after its spin
 * budget) sleeps whole slices, not 1 ms ones.
 */
class FifoSliceTest {

    @Test
    void aWaitWithoutADeadlineSleepsWholeSlices() {
        assertThat(FifoDescriptors.slice(Deadlines.NO_DEADLINE)).isEqualTo(FifoDescriptors.SLICE_MILLIS);
        assertThat(FifoDescriptors.slice(Long.MAX_VALUE - 999_998)).isEqualTo(FifoDescriptors.SLICE_MILLIS);
        assertThat(FifoDescriptors.slice(3_600_000_000_000L)).isEqualTo(FifoDescriptors.SLICE_MILLIS);
    }

    @Test
    void shortWaitsSleepTheirTimeRoundedUpToAMillisecond() {
        assertThat(FifoDescriptors.slice(0)).isEqualTo(1);
        assertThat(FifoDescriptors.slice(1)).isEqualTo(1);
        assertThat(FifoDescriptors.slice(1_000_000)).isEqualTo(1);
        assertThat(FifoDescriptors.slice(1_500_000)).isEqualTo(2);
        assertThat(FifoDescriptors.slice(99_000_001)).isEqualTo(FifoDescriptors.SLICE_MILLIS);
    }
}
