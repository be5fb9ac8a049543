package org.multios.ipc.channel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An anonymous channel as created: the handles on its two ends. Keep one end and give the
 * other to the peer (another thread or bundle), or use both. Each end is an independent handle
 * that can be closed on its own; the channel goes when both are closed or their owner releases
 * the channel service.
 */
@ProviderType
public interface Channel extends AutoCloseable {
    /** The channel's id, the {@link ChannelEnd#id()} of both ends. */
    long id();

    /** The handle on end {@link ChannelSide#A}. */
    ChannelEnd endA();

    /** The handle on end {@link ChannelSide#B}. */
    ChannelEnd endB();

    /** The handle on the given end. */
    ChannelEnd end(ChannelSide side);

    /** Closes both ends' handles (those still open). Idempotent. */
    @Override
    void close();
}
