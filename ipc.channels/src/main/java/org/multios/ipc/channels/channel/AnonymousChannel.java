package org.multios.ipc.channels.channel;

import org.multios.ipc.channels.ring.PortSession;
import java.util.concurrent.atomic.AtomicBoolean;

import org.multios.ipc.IpcException;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelSide;

/**
 * An anonymous channel: its unlinked file and the one handle on each end. When a handle closes
 * its end closes for good; when both have, the channel is gone and stops counting against the
 * channel limit and its creator's object quota.
 */
final class AnonymousChannel implements Channel {
    private final ChannelMechanism mechanism;
    private final PortSession session;
    private final ChannelFile file;
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile ChannelHandle a;
    private volatile ChannelHandle b;

    AnonymousChannel(ChannelMechanism mechanism, PortSession session, ChannelFile file) {
        this.mechanism = mechanism;
        this.session = session;
        this.file = file;
    }

    /** Sets the two handles, made after this channel. */
    AnonymousChannel ends(ChannelHandle endA, ChannelHandle endB) {
        this.a = endA;
        this.b = endB;
        return this;
    }

    ChannelFile file() {
        return file;
    }

    /** The last handle on {@code side} closed: the end closes for good. */
    void endClosed(ChannelSide side) {
        file.closeEnd(side);
        if (file.bothEndsClosed() && gone.compareAndSet(false, true)) {
            mechanism.anonymousGone(this, session);
        }
    }

    @Override
    public long id() {
        return file.id();
    }

    @Override
    public ChannelEnd endA() {
        return a;
    }

    @Override
    public ChannelEnd endB() {
        return b;
    }

    @Override
    public ChannelEnd end(ChannelSide side) {
        if (side == null) {
            throw IpcException.invalidArgument(file.displayName() + ": side must not be null");
        }
        return side == ChannelSide.A ? a : b;
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }

    @Override
    public String toString() {
        return file.displayName();
    }
}
