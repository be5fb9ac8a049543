package org.multios.ipc.channels.channel;

import org.multios.ipc.channel.ChannelOptions;

/** {@link ChannelConcurrencyTest} on a channel whose directions are lanes ({@link ChannelOptions#lane()}). */
class LaneChannelConcurrencyTest extends ChannelConcurrencyTest {
    @Override
    ChannelOptions kind(ChannelOptions options) {
        return options.withLane(true);
    }
}
