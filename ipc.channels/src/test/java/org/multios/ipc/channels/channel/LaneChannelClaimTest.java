package org.multios.ipc.channels.channel;

import org.multios.ipc.channel.ChannelOptions;

/** {@link ChannelClaimTest} on a channel whose directions are lanes ({@link ChannelOptions#lane()}). */
class LaneChannelClaimTest extends ChannelClaimTest {
    @Override
    ChannelOptions kind(ChannelOptions options) {
        return options.withLane(true);
    }
}
