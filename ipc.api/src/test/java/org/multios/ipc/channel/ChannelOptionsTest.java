package org.multios.ipc.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;

class ChannelOptionsTest {

    @Test
    void ofBufferSizeMatchesCreateChannel() {
        ChannelOptions o = ChannelOptions.ofBufferSize(1024);
        assertThat(o.bufferSize()).isEqualTo(1024);
        assertThat(o.maxMessageSize()).isEqualTo(1024);
        assertThat(o.maxMessages()).isEqualTo(ChannelOptions.NO_MESSAGE_LIMIT);
        assertThat(o.hasMessageLimit()).isFalse();
        assertThat(o.mode()).isEqualTo(0600);
    }

    @Test
    void largeBufferCapsMessageSizeAtDefaultLimit() {
        ChannelOptions o = ChannelOptions.ofBufferSize(1 << 20);
        assertThat(o.maxMessageSize()).isEqualTo((int) Limit.MESSAGE_SIZE.defaultValue());
    }

    @Test
    void defaultsAreConsistent() {
        ChannelOptions o = ChannelOptions.defaults();
        assertThat(o.bufferSize()).isEqualTo(ChannelOptions.DEFAULT_BUFFER_SIZE);
        assertThat(o.maxMessageSize()).isLessThanOrEqualTo(o.bufferSize());
    }

    @Test
    void rejectsEmptyBuffer() {
        assertInvalid(() -> ChannelOptions.ofBufferSize(0), "bufferSize");
        assertInvalid(() -> new ChannelOptions(-1, 0, 1, 0600), "bufferSize");
    }

    @Test
    void rejectsNegativeMessageCount() {
        assertInvalid(() -> new ChannelOptions(100, -1, 10, 0600), "maxMessages");
    }

    @Test
    void rejectsMessageSizeOutsideBuffer() {
        assertInvalid(() -> new ChannelOptions(100, 0, 0, 0600), "maxMessageSize");
        assertInvalid(() -> new ChannelOptions(100, 0, 101, 0600), "maxMessageSize");
        assertThat(new ChannelOptions(100, 0, 100, 0600).maxMessageSize()).isEqualTo(100);
    }

    @Test
    void rejectsModeOutsideRange() {
        assertInvalid(() -> ChannelOptions.defaults().withMode(01000), "mode");
        assertInvalid(() -> ChannelOptions.defaults().withMode(-1), "mode");
        assertThat(ChannelOptions.defaults().withMode(0).mode()).isZero();
        assertThat(ChannelOptions.defaults().withMode(0777).mode()).isEqualTo(0777);
    }

    @Test
    void withersChangeOneComponent() {
        ChannelOptions o = ChannelOptions.ofBufferSize(4096).withMaxMessages(16).withMaxMessageSize(512)
                .withMode(0660);
        assertThat(o).isEqualTo(new ChannelOptions(4096, 16, 512, 0660));
        assertThat(o.hasMessageLimit()).isTrue();
    }

    @Test
    void smallerBufferLowersMaxMessageSize() {
        ChannelOptions o = ChannelOptions.ofBufferSize(4096).withBufferSize(100);
        assertThat(o.bufferSize()).isEqualTo(100);
        assertThat(o.maxMessageSize()).isEqualTo(100);
        assertThat(ChannelOptions.ofBufferSize(100).withBufferSize(4096).maxMessageSize()).isEqualTo(100);
        assertInvalid(() -> ChannelOptions.defaults().withBufferSize(0), "bufferSize");
    }

    @Test
    void oppositeSides() {
        assertThat(ChannelSide.A.opposite()).isEqualTo(ChannelSide.B);
        assertThat(ChannelSide.B.opposite()).isEqualTo(ChannelSide.A);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String what) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("channel").hasMessageContaining(what);
    }
}
