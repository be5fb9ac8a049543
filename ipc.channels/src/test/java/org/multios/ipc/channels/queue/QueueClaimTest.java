package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.MutableMessageBuffer;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Issue 14 item 2 for queues: claims written in place and committed or aborted, messages handed
 * to a handler in place, drains and batch sends, with the rules of the copying forms: order and
 * priorities, the size limit, the caller's quota, statistics, and revocation (a claim open when
 * the grant is revoked is never sent; a commit that passed its check completes before revoke
 * returns).
 */
@Timeout(60)
class QueueClaimTest extends IpcRootSupport {
    private MessageQueueMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller victim = RecordingCaller.osUser(2);

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

    private MessageQueue queue(String name, int size, int count) {
        return queues(owner).create(name, QueueOptions.of(size, count).withMode(0666));
    }

    /** Receives by copy and returns the message's bytes, or null if none is waiting. */
    private static byte[] take(MessagePort port, MessageInfo info) {
        byte[] buf = new byte[4096];
        int n = port.tryReceive(buf, 0, buf.length, info);
        return n == MessagePort.NO_MESSAGE ? null : java.util.Arrays.copyOf(buf, n);
    }

    @Test
    void aCommittedClaimIsReceivedWholeWithItsPriorityAndSender() {
        MessageQueue q = queue("c1", 64, 4);
        MessageClaim claim = q.tryClaim(20, 7);
        assertThat(claim.isOpen()).isTrue();
        assertThat(claim.length()).isEqualTo(20);
        claim.putLong(0, 0x0102030405060708L);
        claim.putInt(8, 42);
        claim.putBytes(12, new byte[] { 1, 2, 3, 4 }, 0, 4);
        claim.putBytes(16, ByteBuffer.wrap(new byte[] { 9, 8, 7, 6 }));
        assertThat(claim.getInt(8)).isEqualTo(42);
        assertThat(q.tryReceive(new byte[64], 0, 64, null)).as("nothing is seen before commit")
                .isEqualTo(MessagePort.NO_MESSAGE);
        claim.commit();

        assertThat(claim.isOpen()).isFalse();
        MessageInfo info = new MessageInfo();
        ByteBuffer got = ByteBuffer.wrap(take(q, info)).order(java.nio.ByteOrder.nativeOrder());
        assertThat(got.limit()).isEqualTo(20);
        assertThat(got.getLong(0)).isEqualTo(0x0102030405060708L);
        assertThat(got.getInt(8)).isEqualTo(42);
        assertThat(java.util.Arrays.copyOfRange(got.array(), 12, 20)).containsExactly(1, 2, 3, 4, 9, 8, 7, 6);
        assertThat(info.priority()).isEqualTo(7);
        assertThat(info.senderPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(q.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(1);
        assertThat(q.info().statistics().get(Counter.BYTES_IN)).isEqualTo(20);
    }

    @Test
    void anAbortedClaimLeavesNothingAndGivesItsSlotAndQuotaBack() {
        MessageQueue q = queue("c2", 64, 1);
        MessageClaim claim = q.tryClaim(10, 1);
        claim.putInt(0, 5);
        assertThat(owner.used(Quota.QUEUED_MESSAGES)).as("an open claim holds a queued message").isEqualTo(1);
        assertThat(q.trySend(new byte[1], 0, 1, 1)).as("the claim holds the only slot").isFalse();
        claim.abort();

        assertThat(owner.used(Quota.QUEUED_MESSAGES)).isZero();
        assertThat(q.tryReceive(new byte[64], 0, 64, null)).isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(q.info().statistics().get(Counter.MESSAGES_IN)).isZero();
        assertThatThrownBy(() -> claim.putInt(0, 1)).as("an ended claim refuses writes")
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(claim::commit).isInstanceOf(IpcException.class);
        claim.abort(); // a second abort does nothing
        assertThat(q.trySend(new byte[3], 0, 3, 1)).as("the slot is free again").isTrue();
    }

    @Test
    void aClaimLargerThanTheMaximumMessageSizeIsRefused() {
        MessageQueue q = queue("c3", 64, 4);
        assertThatThrownBy(() -> q.tryClaim(65, 1)).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE);
            assertThat(e.getMessage()).contains("queue 'c3'").contains("65 bytes").contains("64 bytes");
        });
        assertThatThrownBy(() -> q.tryClaim(-1, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> q.tryClaim(1, 32)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThat(owner.used(Quota.QUEUED_MESSAGES)).isZero();
        assertThat(q.tryClaim(64, 1)).as("the maximum itself fits").isNotNull();
    }

    @Test
    void aClaimViewNeverReachesOutsideItsMessage() {
        MessageQueue q = queue("c4", 64, 4);
        MessageClaim claim = q.tryClaim(12, 1);
        for (Runnable outside : List.<Runnable>of(() -> claim.putLong(8, 1), () -> claim.putByte(12, (byte) 1),
                () -> claim.putInt(-1, 1), () -> claim.putBytes(4, new byte[9], 0, 9),
                () -> claim.putBytes(Integer.MAX_VALUE, new byte[1], 0, 1), () -> claim.getLong(5))) {
            assertThatThrownBy(outside::run).isInstanceOfSatisfying(IpcException.class, e -> {
                assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("queue 'c4'").contains("12 bytes");
            });
        }
        claim.putLong(4, -1L);
        claim.commit();
        assertThat(take(q, null)).hasSize(12);
    }

    @Test
    void aFullQueueGivesNoClaimAndEachThreadHasOneOpenClaimPerPort() throws Exception {
        MessageQueue q = queue("c5", 64, 2);
        MessageClaim first = q.tryClaim(4, 1);
        assertThatThrownBy(() -> q.tryClaim(4, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.BUSY));
        CompletableFuture<Boolean> other = new CompletableFuture<>();
        start("claim-other-thread", other, () -> {
            MessageClaim c = q.tryClaim(4, 2);
            c.putInt(0, 2);
            c.commit();
            return q.tryClaim(4, 1) == null;
        }).join();
        assertThat(other.get(20, TimeUnit.SECONDS)).as("no room left for a third claim").isTrue();
        first.putInt(0, 1);
        first.commit();
        assertThat(q.tryClaim(4, 1)).as("full: no claim").isNull();
        assertThat(owner.used(Quota.QUEUED_MESSAGES)).isEqualTo(2);
    }

    @Test
    void claimsTakeTheirPlaceInPriorityOrder() {
        MessageQueue q = queue("c6", 64, 8);
        claimAndCommit(q, 1, 1);
        q.trySend(new byte[] { 2 }, 0, 1, 5);
        claimAndCommit(q, 3, 3);
        q.trySend(new byte[] { 4 }, 0, 1, 3);
        claimAndCommit(q, 5, 31);

        List<String> got = new ArrayList<>();
        int n = q.drain((m, info) -> got.add(m.getByte(0) + "@" + info.priority()), 10);
        assertThat(n).isEqualTo(5);
        assertThat(got).containsExactly("5@31", "2@5", "3@3", "4@3", "1@1");
    }

    private static void claimAndCommit(MessagePort port, int value, int priority) {
        MessageClaim c = port.tryClaim(1, priority);
        c.putByte(0, (byte) value);
        c.commit();
    }

    @Test
    void drainHandsReadOnlyViewsValidOnlyDuringTheHandler() {
        MessageQueue q = queue("c7", 64, 8);
        for (int i = 0; i < 5; i++) {
            q.trySend(new byte[] { (byte) i, 0, 0, 0 }, 0, 1 + i % 4, 2);
        }
        List<MessageBuffer> seen = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        assertThat(q.drain((m, info) -> {
            assertThat(m).isNotInstanceOf(MutableMessageBuffer.class);
            assertThat(m.length()).isEqualTo(info.length());
            values.add((int) m.getByte(0));
            seen.add(m);
        }, 3)).isEqualTo(3);
        assertThat(q.drain((m, info) -> values.add((int) m.getByte(0)), 10)).isEqualTo(2);
        assertThat(values).containsExactly(0, 1, 2, 3, 4);
        assertThat(q.drain((m, info) -> values.add(-1), 10)).isZero();
        assertThatThrownBy(() -> seen.get(0).getByte(0)).as("a view kept past its handler")
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThat(q.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(5);
        assertThat(q.attributes().currentMessages()).isZero();
    }

    @Test
    void aHandlerThatThrowsHasConsumedItsMessageAndFreedItsSlot() {
        MessageQueue q = queue("c8", 64, 1);
        q.trySend(new byte[] { 1 }, 0, 1, 1);
        RuntimeException boom = new IllegalStateException("handler failed");
        assertThatThrownBy(() -> q.tryReceive((m, info) -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(q.trySend(new byte[] { 2 }, 0, 1, 1)).isTrue();
        assertThat(q.tryReceive((m, info) -> assertThat(m.getByte(0)).isEqualTo((byte) 2))).isTrue();
        assertThat(q.tryReceive((m, info) -> {
        })).isFalse();
    }

    @Test
    void aBatchSendsAsManyAsFitAndAdvancesOnlyTheirPositions() {
        MessageQueue q = queue("c9", 64, 3);
        ByteBuffer[] batch = new ByteBuffer[5];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ByteBuffer.wrap(new byte[] { (byte) i, (byte) i });
        }
        assertThat(q.trySend(batch, 1, 4, 2)).isEqualTo(3);
        assertThat(batch[0].position()).isZero();
        assertThat(batch[1].hasRemaining() || batch[2].hasRemaining() || batch[3].hasRemaining()).isFalse();
        assertThat(batch[4].position()).isZero();
        assertThat(take(q, null)).containsExactly(1, 1);
        assertThat(take(q, null)).containsExactly(2, 2);
        assertThat(take(q, null)).containsExactly(3, 3);
        assertThatThrownBy(() -> q.trySend(batch, 3, 3, 2)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> q.trySend(new ByteBuffer[] { batch[0], null }, 0, 2, 2))
                .isInstanceOf(IpcException.class);
        assertThat(batch[0].position()).as("nothing of a refused batch was sent").isZero();
    }

    @Test
    void aClaimOpenWhenTheGrantIsRevokedIsNeverSent() {
        MessageQueue q = queue("r1", 64, 1);
        MessageQueue revoked = queues(victim).open("r1");
        MessageClaim claim = revoked.tryClaim(8, 1);
        claim.putLong(0, 7);
        victim.revokeAll();

        assertThatThrownBy(claim::commit).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(claim.isOpen()).as("the failed commit aborted the claim").isFalse();
        assertThat(victim.used(Quota.QUEUED_MESSAGES)).isZero();
        assertThat(q.tryReceive(new byte[64], 0, 64, null)).isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(q.trySend(new byte[1], 0, 1, 1)).as("its slot is free again").isTrue();
        assertThatThrownBy(() -> revoked.tryClaim(1, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThatThrownBy(() -> revoked.drain((m, i) -> {
        }, 1)).isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(victim.denials()).contains("send to queue 'r1'");
    }

    @Test
    void aCommitThatPassedItsCheckIsQueuedBeforeRevokeReturns() throws Exception {
        MessageQueue q = queue("r2", 64, 4);
        QueueHandle revoked = (QueueHandle) queues(victim).open("r2");
        StepPause pause = new StepPause();
        revoked.hook(pause);
        CompletableFuture<Boolean> committed = new CompletableFuture<>();
        start("claim-commit", committed, () -> {
            MessageClaim c = revoked.tryClaim(3, 1);
            c.putByte(0, (byte) 3);
            pause.arm(GuardedHandle.STEP_GRANTED);
            c.commit();
            return true;
        });
        pause.awaitReached();

        CompletableFuture<Integer> queuedWhenRevoked = new CompletableFuture<>();
        Thread revoker = start("claim-revoker", queuedWhenRevoked, () -> {
            victim.revokeAll();
            return q.attributes().currentMessages();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(committed.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(queuedWhenRevoked.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(returnedWhileHeld).as("revoke waited for the commit's step").isFalse();
    }

    @Test
    void aDrainTakesNothingOnceRevokeReturned() throws Exception {
        MessageQueue q = queue("r3", 64, 4);
        QueueHandle revoked = (QueueHandle) queues(victim).open("r3");
        q.trySend(new byte[] { 1 }, 0, 1, 1);
        q.trySend(new byte[] { 2 }, 0, 1, 1);
        StepPause pause = new StepPause();
        revoked.hook(pause);
        List<Byte> got = new ArrayList<>();
        CompletableFuture<Integer> drained = new CompletableFuture<>();
        start("drain-revoked", drained, () -> revoked.drain((m, info) -> {
            got.add(m.getByte(0));
            pause.arm(GuardedHandle.STEP_GRANTED); // the second take pauses inside its step
        }, 10));
        pause.awaitReached();
        Thread revoker = start("drain-revoker", new CompletableFuture<>(), () -> {
            victim.revokeAll();
            return null;
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();
        revoker.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(returnedWhileHeld).isFalse();
        assertThat(drained.get(20, TimeUnit.SECONDS)).as("the take under way completes").isEqualTo(2);
        assertThat(got).containsExactly((byte) 1, (byte) 2);
        q.trySend(new byte[] { 3 }, 0, 1, 1);
        assertThatThrownBy(() -> revoked.drain((m, info) -> got.add((byte) -1), 10))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(take(q, null)).containsExactly(3);
    }

    /**
     * A claim is a view of a slot that held earlier messages: another user allowed only to write
     * (mode 0602) claims the slot the owner's last message lay in and must find zeros, not it.
     */
    @Test
    void aWriteOnlySenderReadsNothingOfTheMessagesTheSlotHeldBefore() {
        byte[] secret = "the owner's secret".getBytes(StandardCharsets.US_ASCII);
        try (MessageQueue q = queues(owner).create("inbox", QueueOptions.of(64, 1).withMode(0602))) {
            q.send(secret, 0, secret.length, 0);
            assertThat(q.receive(new byte[64], 0, 64, null)).isEqualTo(secret.length);

            RecordingCaller mallory = new RecordingCaller(3, "mallory", Map.of());
            try (MessageQueue writeOnly = queues(mallory).open("inbox", Rights.WRITE, Set.of())) {
                MessageClaim claim = writeOnly.tryClaim(secret.length, 0);
                byte[] seen = new byte[secret.length];
                claim.getBytes(0, seen, 0, seen.length);
                claim.abort();

                assertThat(new String(seen, StandardCharsets.US_ASCII)).as("what the claim showed")
                        .isEqualTo(new String(new byte[secret.length], StandardCharsets.US_ASCII));
            }
        }
    }
}
