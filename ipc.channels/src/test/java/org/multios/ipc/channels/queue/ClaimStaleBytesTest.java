package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.Rights;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.RecordingCaller;

/**
 * A claim is a view of a slot that held earlier messages: a sender must not read in it what
 * others sent before. Another user allowed only to write to a queue (mode 0602) claims the slot
 * the owner's last message lay in, and reads its bytes.
 */
@Timeout(60)
class ClaimStaleBytesTest extends IpcRootSupport {
    private static final byte[] SECRET = "the owner's secret".getBytes(StandardCharsets.US_ASCII);

    private MessageQueueMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller mallory = new RecordingCaller(2, "mallory", Map.of());

    private MessageQueueService queues(RecordingCaller caller) {
        if (mechanism == null) {
            mechanism = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return mechanism.bind(caller);
    }

    @AfterEach
    void closeMechanism() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    @Test
    void aWriteOnlySenderReadsNothingOfTheMessagesTheSlotHeldBefore() {
        try (MessageQueue q = queues(owner).create("inbox", QueueOptions.of(64, 1).withMode(0602))) {
            q.send(SECRET, 0, SECRET.length, 0);
            byte[] got = new byte[64];
            assertThat(q.receive(got, 0, got.length, null)).isEqualTo(SECRET.length);

            try (MessageQueue writeOnly = queues(mallory).open("inbox", Rights.WRITE, Set.of())) {
                MessageClaim claim = writeOnly.tryClaim(SECRET.length, 0);
                byte[] seen = new byte[SECRET.length];
                claim.getBytes(0, seen, 0, seen.length);
                claim.abort();

                assertThat(new String(seen, StandardCharsets.US_ASCII)).as("what the claim showed")
                        .isEqualTo(new String(new byte[SECRET.length], StandardCharsets.US_ASCII));
            }
        }
    }
}
