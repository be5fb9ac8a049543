package org.multios.ipc.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.channel.ChannelOptions;

/** {@code ipc:channelcreate} prints the channel's mode as the rest of the console does, not in decimal. */
class ChannelOptionsOutputTest {
    @Test
    void theModeIsPrintedAsLsDoes() {
        String out = IpcCommands.options(ChannelOptions.ofBufferSize(4096).withMode(0660).withExclusive(true));

        assertThat(out).contains("bufferSize=4096").contains("mode=rw-rw----").contains("exclusive=true")
                .doesNotContain("mode=432");
    }
}
