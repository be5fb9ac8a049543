package org.multios.ipc.mqtt.internal;

import java.util.Locale;

import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;

/**
 * One named IPC object bridged to one MQTT topic, written in a configuration as
 * {@code KIND NAME DIRECTION TOPIC [QOS] [sender]}, for example {@code queue orders out fleet/gw1/orders 1}.
 *
 * <ul>
 * <li>{@code out}: what the object receives is published on the topic (a queue's messages, what
 * end A of a channel sends, the data of each signal of an event);
 * <li>{@code in}: what arrives on the topic (a filter with {@code +} and {@code #} allowed) is
 * sent into the object (a queue, end B of a channel towards end A, a signal of the event);
 * <li>{@code both}: channels only, the bridge being end B. A queue or event read and written by
 * the same bridge would send its own messages back round, so it needs two mappings.
 * </ul>
 * The word {@code sender} (inbound queues and channels) delivers each message in a
 * {@link SenderEnvelopeDescriptor sender envelope}: the original sender, as the publishing side
 * claimed it, ahead of the payload.
 */
record Mapping(Kind kind, String name, Direction direction, String topic, int qos, boolean withSender) {
    /** The word that asks for sender envelopes. */
    static final String SENDER = "sender";

    /** The kinds of object a bridge carries. */
    enum Kind { QUEUE, CHANNEL, EVENT }

    /** Which way messages go. */
    enum Direction {
        OUT, IN, BOTH;

        boolean out() {
            return this != IN;
        }

        boolean in() {
            return this != OUT;
        }
    }

    /**
     * Parses one mapping.
     *
     * @throws IpcException INVALID_ARGUMENT naming the mapping and what is wrong in it
     */
    static Mapping parse(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length < 4 || words.length > 6) {
            throw bad(text, "expected KIND NAME DIRECTION TOPIC [QOS] [" + SENDER + "]");
        }
        Kind kind = word(text, Kind.class, words[0], "kind (queue, channel or event)");
        String name = words[1];
        if (!IpcNames.isValid(name)) {
            throw bad(text, "name '" + name + "' is not a valid IPC name (1..200 of [A-Za-z0-9._-])");
        }
        Direction direction = word(text, Direction.class, words[2], "direction (out, in or both)");
        if (direction == Direction.BOTH && kind != Kind.CHANNEL) {
            throw bad(text, "only a channel can go both ways; a " + words[0] + " needs one mapping per direction");
        }
        String topic = words[3];
        try {
            MqttTopicValidator.validate(topic, direction == Direction.IN, true);
        } catch (IllegalArgumentException e) {
            throw bad(text, "topic '" + topic + "' is not valid" + (direction == Direction.IN ? "" : " for "
                    + "publishing (no wildcards)") + ": " + e.getMessage());
        }
        int next = 4;
        int qos = 1;
        if (words.length > next && !words[next].equals(SENDER)) {
            if (!words[next].matches("[012]")) {
                throw bad(text, "QoS must be 0, 1 or 2, found '" + words[next] + "'");
            }
            qos = Integer.parseInt(words[next++]);
        }
        boolean withSender = words.length > next && words[next].equals(SENDER);
        if (withSender) {
            next++;
        }
        if (words.length > next) {
            throw bad(text, "expected '" + SENDER + "' or nothing after the QoS, found '" + words[next] + "'");
        }
        if (withSender && (!direction.in() || kind == Kind.EVENT)) {
            throw bad(text, "'" + SENDER + "' is for inbound queues and channels (an event carries 8 bytes)");
        }
        return new Mapping(kind, name, direction, topic, qos, withSender);
    }

    private static <E extends Enum<E>> E word(String text, Class<E> type, String word, String what) {
        try {
            return Enum.valueOf(type, word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(text, "unknown " + what + ": '" + word + "'");
        }
    }

    private static IpcException bad(String text, String problem) {
        return IpcException.invalidArgument("mapping '" + text.strip() + "': " + problem);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + name + " " + direction.name().toLowerCase(Locale.ROOT)
                + " " + topic + " " + qos + (withSender ? " " + SENDER : "");
    }
}
