package org.multios.ipc.channels.channel;

import org.multios.ipc.channel.ChannelOptions;

/** {@link CrossProcessChannelTest} on a channel whose directions are lanes ({@link ChannelOptions#lane()}). */
class LaneCrossProcessChannelTest extends CrossProcessChannelTest {
    @Override
    ChannelOptions kind(ChannelOptions options) {
        return options.withLane(true);
    }
}
