package org.multios.ipc.channel;


/**
 * The two ends of a channel. Messages sent through one end are received at the other; the two
 * ends are symmetric, the names only tell them apart (by convention a server holds {@link #A}
 * of a named channel and its clients open {@link #B}).
 */
public enum ChannelSide {
    /** End A: sends to B, receives what B sends. */
    A,
    /** End B: sends to A, receives what A sends. */
    B;

    /** The other end: the one this end's messages go to and come from. */
    public ChannelSide opposite() {
        return this == A ? B : A;
    }
}
