package org.multios.ipc.mqtt.internal;

/**
 * Layout of one inbound QoS 2 message in a bridge's held journal ({@link HeldJournal}, big-endian):
 *
 * <pre>
 *   0                   8             10            12            14
 *   +-------------------+-------------+-------------+-------------+----------------+-----------------+---------+
 *   | sequence          | packet id   | topic len   | props len   | topic (UTF-8)  | user properties | payload |
 *   +-------------------+-------------+-------------+-------------+----------------+-----------------+---------+
 *
 *   user properties: { key len (2) | key (UTF-8) | value len (2) | value (UTF-8) } ...
 * </pre>
 *
 * {@code sequence} counts the journal's records (a run goes on from the last record a previous run
 * left), so its head can be checked against the message the held line delivered. {@code packet id}
 * is the one the broker gave the message, by which a copy it sends again is recognised
 * ({@link Resends}). Only the user
 * properties are kept: they are all the bridge reads of a message beyond its topic and payload
 * (priority, id, bridge and sender). Topic and properties together take at most
 * {@link #TOPIC_AND_PROPERTIES} bytes.
 */
final class HeldRecordDescriptor {
    static final int SEQUENCE_OFFSET = 0;
    static final int PACKET_ID_OFFSET = 8;
    static final int TOPIC_LENGTH_OFFSET = 10;
    static final int PROPERTIES_LENGTH_OFFSET = 12;
    /** Where the topic starts; the properties and the payload follow it. */
    static final int HEADER_LENGTH = 14;
    /** The most bytes a record's topic and user properties take together. */
    static final int TOPIC_AND_PROPERTIES = 4096;

    private HeldRecordDescriptor() {
    }

    /** The largest record of a bridge whose payloads take at most {@code maxMessageSize} bytes. */
    static int maxRecordSize(int maxMessageSize) {
        return HEADER_LENGTH + TOPIC_AND_PROPERTIES + maxMessageSize;
    }
}
