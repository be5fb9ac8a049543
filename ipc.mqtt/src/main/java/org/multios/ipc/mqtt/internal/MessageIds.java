package org.multios.ipc.mqtt.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ids of the messages one bridge run publishes ({@link StoredMessage#id()}): an origin drawn
 * at random when the run starts and, per message, the run's count of messages enciphered with a
 * key drawn then (Blowfish: a permutation of 64-bit blocks). Ids stay unique within the run, since
 * the permutation maps distinct counts apart, and across runs by their origins; nobody who saw
 * some can tell the next one, which a plain count would let a publisher allowed on the topic do,
 * sending a message with the next id first so that the receiving bridge dropped the real one as
 * a duplicate. Thread-safe; allocates nothing per id.
 */
final class MessageIds {
    private final long origin;
    private final Cipher cipher;
    private final ByteBuffer count = ByteBuffer.allocate(Long.BYTES);
    private final ByteBuffer sequence = ByteBuffer.allocate(Long.BYTES);
    private long next;

    MessageIds(SecureRandom random) {
        byte[] key = new byte[16];
        random.nextBytes(key);
        this.origin = random.nextLong();
        try {
            cipher = Cipher.getInstance("Blowfish/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "Blowfish"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Blowfish cipher: " + e.getMessage(), e);
        }
    }

    /** The origin of every id of this run. */
    long origin() {
        return origin;
    }

    /** The sequence of the next id: a count no id of this run had, enciphered. */
    synchronized long nextSequence() {
        count.clear();
        count.putLong(0, next++);
        sequence.clear();
        try {
            cipher.doFinal(count, sequence);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Blowfish refused a 64-bit block: " + e.getMessage(), e);
        }
        return sequence.getLong(0);
    }
}
