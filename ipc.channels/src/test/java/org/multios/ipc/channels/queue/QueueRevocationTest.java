package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Issue #26 item 1 for queues: revoking a handle's grant stops its send and receive that are
 * already asleep: the revocation wakes them (their slices are an hour long, and nothing else
 * happens before they must have failed), they fail with PERMISSION_DENIED and are audited, and
 * the message sent, or the space made, after the revocation stays for others. A non-blocking
 * step that passed its grant check before the revocation ends before the revocation returns; the
 * listener registration ends with the grant.
 */
@Timeout(60)
class QueueRevocationTest extends IpcRootSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private MessageQueueMechanism mechanism;
    private final RecordingCaller victim = RecordingCaller.osUser(1);
    private final RecordingCaller peer = RecordingCaller.osUser(2);

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
    void aBlockedReceiveFailsAtRevokeAndTheMessageSentAfterStaysQueued() throws Exception {
        MessageQueue sender = queues(peer).create("rq", QueueOptions.of(64, 4).withMode(0666));
        QueueHandle revoked = (QueueHandle) queues(victim).open("rq");
        revoked.sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("q-rev-recv", got,
                () -> revoked.receive(new byte[64], 0, 64, new MessageInfo())), -1);

        victim.revokeAll();
        assertDenied(got);
        sender.send(new byte[12], 0, 12, 1);

        assertThat(victim.denials()).containsExactly("receive from queue 'rq'");
        assertThat(sender.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("the message is still queued")
                .isEqualTo(12);
    }

    @Test
    void aBlockedSendFailsAtRevokeAndSendsNothingIntoTheSpaceMadeAfter() throws Exception {
        MessageQueue owner = queues(peer).create("sq", QueueOptions.of(64, 1).withMode(0666));
        owner.send(new byte[5], 0, 5, 1);
        QueueHandle revoked = (QueueHandle) queues(victim).open("sq");
        revoked.sliceNanos(HOUR);
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("q-rev-send", sent, () -> {
            revoked.send(new byte[7], 0, 7, 1);
            return 7;
        }), -1);

        victim.revokeAll();
        assertDenied(sent);
        assertThat(owner.receive(new byte[64], 0, 64, new MessageInfo())).isEqualTo(5);

        assertThat(victim.denials()).containsExactly("send to queue 'sq'");
        assertThat(owner.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("nothing came through")
                .isEqualTo(MessageQueue.NO_MESSAGE);
    }

    @Test
    void aTrySendThatPassedItsCheckIsQueuedBeforeRevokeReturns() throws Exception {
        MessageQueue owner = queues(peer).create("iq", QueueOptions.of(64, 4).withMode(0666));
        QueueHandle revoked = (QueueHandle) queues(victim).open("iq");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        revoked.hook(pause);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        start("q-step-send", sent, () -> revoked.trySend(new byte[3], 0, 3, 1));
        pause.awaitReached();

        CompletableFuture<Integer> queuedWhenRevoked = new CompletableFuture<>();
        Thread revoker = start("q-revoker", queuedWhenRevoked, () -> {
            victim.revokeAll();
            return owner.attributes().currentMessages();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(sent.get(20, TimeUnit.SECONDS)).as("the step under way completes").isTrue();
        assertThat(queuedWhenRevoked.get(20, TimeUnit.SECONDS))
                .as("the message of the step under way was queued when revoke returned").isEqualTo(1);
        assertThat(returnedWhileHeld).as("revoke waited for the step").isFalse();
        assertThatThrownBy(() -> revoked.trySend(new byte[3], 0, 3, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
    }

    @Test
    void aTryReceiveThatPassedItsCheckHasTakenItsMessageBeforeRevokeReturns() throws Exception {
        MessageQueue owner = queues(peer).create("ir", QueueOptions.of(64, 4).withMode(0666));
        owner.send(new byte[9], 0, 9, 1);
        QueueHandle revoked = (QueueHandle) queues(victim).open("ir");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        revoked.hook(pause);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        start("q-step-recv", got, () -> revoked.tryReceive(new byte[64], 0, 64, new MessageInfo()));
        pause.awaitReached();

        CompletableFuture<Integer> queuedWhenRevoked = new CompletableFuture<>();
        Thread revoker = start("q-revoker", queuedWhenRevoked, () -> {
            victim.revokeAll();
            return owner.attributes().currentMessages();
        });
        StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(9);
        assertThat(queuedWhenRevoked.get(20, TimeUnit.SECONDS))
                .as("the message was taken before revoke returned, not after").isZero();
    }

    @Test
    void revokingEndsTheListenerRegistrationAndFreesTheQueuesListenerSlot() throws Exception {
        MessageQueue owner = queues(peer).create("lq", QueueOptions.of(64, 4).withMode(0666));
        MessageQueue revoked = queues(victim).open("lq");
        var registration = revoked.register(q -> { });

        victim.revokeAll();

        assertThat(registration.isActive()).as("the registration ended with the grant").isFalse();
        var taken = owner.register(q -> { });
        assertThat(taken.isActive()).as("another handle may listen at once").isTrue();
        taken.close();
    }
}
