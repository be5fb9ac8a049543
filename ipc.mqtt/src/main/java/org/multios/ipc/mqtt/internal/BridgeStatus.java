package org.multios.ipc.mqtt.internal;

/**
 * A snapshot of one bridge, for {@code ipc:mqtt}, JMX and whoever shows it.
 *
 * @param client      the bridge's MQTT client id
 * @param broker      the broker URI
 * @param state       where the connection stands
 * @param queued      messages waiting in the store queue now
 * @param inFlight    messages handed to the broker and not yet acknowledged (records of the in-flight queue)
 * @param held        inbound messages of QoS 1 and 2 not yet delivered: held for an object that had no
 *                    room, those behind them, and those on their way ({@link HeldMessages})
 * @param stored      outbound messages taken into the store queue since the start
 * @param sent        outbound messages the broker acknowledged
 * @param received    inbound messages delivered into their objects
 * @param dropped     messages dropped in either direction, whatever the reason
 * @param duplicates  of {@code dropped}: inbound duplicates recognised by their id
 * @param malformed   of {@code dropped}: inbound messages that did not parse
 * @param oversized   of {@code dropped}: inbound messages above the maximum size
 * @param connections connections made to the broker
 * @param lastError   why the last connection ended or attempt failed; empty if none did
 */
public record BridgeStatus(String client, String broker, BridgeState state, int queued, int inFlight, int held, long stored, long sent,
        long received, long dropped, long duplicates, long malformed, long oversized, long connections,
        String lastError) {

    /** One line as {@code ipc:mqtt} prints it. */
    String line() {
        return String.format("%-20s %-10s %-32s queued %d sent %d received %d dropped %d (duplicates %d, malformed %d, "
                + "oversized %d) held %d connections %d%s", client, state.name().toLowerCase(java.util.Locale.ROOT), broker,
                queued, sent, received, dropped, duplicates, malformed, oversized, held, connections,
                state == BridgeState.CONNECTED || lastError.isEmpty() ? "" : " last error: " + lastError);
    }
}
