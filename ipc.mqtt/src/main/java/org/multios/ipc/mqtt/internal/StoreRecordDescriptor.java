package org.multios.ipc.mqtt.internal;

/**
 * Layout of one message waiting in a bridge's store queue (big-endian; the queue's own priority
 * is the message's priority, so it is not repeated here):
 *
 * <pre>
 *   0                   8                  16     17     18           20
 *   +-------------------+-------------------+------+------+------------+
 *   | origin            | sequence          | kind | QoS  | topic len  |
 *   +-------------------+-------------------+------+------+------------+
 *  20                  28                  36
 *   +-------------------+-------------------+------------------+---------------+
 *   | sender id         | sender pid        | topic (UTF-8)    | payload       |
 *   +-------------------+-------------------+------------------+---------------+
 * </pre>
 *
 * {@code origin} and {@code sequence} are the message id the receiving side recognises
 * duplicates by ({@link MessageIds}): the origin is drawn at random when a bridge starts, the
 * sequence is the run's count of messages enciphered, so ids stay unique across restarts of the
 * gateway, nobody can tell the next one, and a message keeps the id it was stored with. {@code kind} is the sender's {@link org.multios.ipc.ProcessKind} ordinal.
 */
final class StoreRecordDescriptor {
    static final int ORIGIN_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int SENDER_KIND_OFFSET = 16;
    static final int QOS_OFFSET = 17;
    static final int TOPIC_LENGTH_OFFSET = 18;
    static final int SENDER_ID_OFFSET = 20;
    static final int SENDER_PID_OFFSET = 28;
    /** Where the topic starts; the payload follows it. */
    static final int HEADER_LENGTH = 36;

    private StoreRecordDescriptor() {
    }
}
