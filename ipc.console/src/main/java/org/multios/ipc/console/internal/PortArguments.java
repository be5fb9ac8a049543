package org.multios.ipc.console.internal;

import org.multios.ipc.IpcException;
import org.multios.ipc.Permissions;
import org.multios.ipc.channel.ChannelOptions;

/**
 * What the console's queue and channel commands read and print beyond plain numbers: the kind
 * argument of their create commands ({@value #PRIORITIES} or {@value #LANE}) and a channel's
 * options.
 */
final class PortArguments {
    /** The kind argument of a queue or channel of rings with priorities. */
    static final String PRIORITIES = "priorities";
    /** The kind argument of a queue or channel of lanes. */
    static final String LANE = "lane";

    private PortArguments() {
    }

    /** Whether a kind argument of a create command asks for a lane ({@value #LANE}) or priorities. */
    static boolean isLane(String what, String kind) {
        return switch (kind) {
            case PRIORITIES -> false;
            case LANE -> true;
            default -> throw IpcException.invalidArgument(what + ": kind '" + kind + "' is not " + PRIORITIES
                    + " or " + LANE);
        };
    }

    /**
     * A channel's options as the record prints them, but the mode as the console shows modes
     * ({@code rw-rw----}), and no message limit as {@code none} with the message slots of each
     * direction the channel got ({@code slots}, if not negative) rather than as 0.
     */
    static String options(ChannelOptions o, long slots) {
        String messages = o.hasMessageLimit() ? String.valueOf(o.maxMessages())
                : "none" + (slots < 0 ? "" : " (" + slots + " slots a direction)");
        return "ChannelOptions[bufferSize=" + o.bufferSize() + ", maxMessages=" + messages + ", maxMessageSize="
                + o.maxMessageSize() + ", mode=" + new Permissions("-", "-", o.mode()).modeString() + ", waitStrategy="
                + o.waitStrategy() + ", exclusive=" + o.exclusive() + (o.lane() ? ", lane=true" : "") + "]";
    }
}
