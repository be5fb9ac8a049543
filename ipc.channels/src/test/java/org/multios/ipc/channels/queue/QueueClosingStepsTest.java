package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Closing a queue handle orders against its steps as revoking its grant does (the ring port's
 * step guard): a send or receive step that passed its check before the close has ended when
 * close returns, and one that a hook of the step closed or revoked on its own thread moves
 * nothing.
 */
@Timeout(60)
class QueueClosingStepsTest extends IpcRootSupport {
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
    void aTrySendThatPassedItsCheckIsQueuedBeforeCloseReturns() throws Exception {
        MessageQueue owner = queues(peer).create("cs", QueueOptions.of(64, 4).withMode(0666));
        QueueHandle closing = (QueueHandle) queues(victim).open("cs");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        closing.hook(pause);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        start("q-close-send", sent, () -> closing.trySend(new byte[3], 0, 3, 1));
        pause.awaitReached();

        CompletableFuture<Integer> queuedWhenClosed = new CompletableFuture<>();
        Thread closer = start("q-closer", queuedWhenClosed, () -> {
            closing.close();
            return owner.attributes().currentMessages();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(closer);
        pause.resume();

        assertThat(sent.get(20, TimeUnit.SECONDS)).as("the step under way completes").isTrue();
        assertThat(queuedWhenClosed.get(20, TimeUnit.SECONDS))
                .as("the message of the step under way was queued when close returned").isEqualTo(1);
        assertThat(returnedWhileHeld).as("close waited for the step").isFalse();
        assertThatThrownBy(() -> closing.trySend(new byte[3], 0, 3, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }

    @Test
    void aSecondCloseRacingTheFirstAlsoReturnsOnlyAfterTheStepUnderWay() throws Exception {
        MessageQueue owner = queues(peer).create("c2", QueueOptions.of(64, 4).withMode(0666));
        QueueHandle closing = (QueueHandle) queues(victim).open("c2");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        closing.hook(pause);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        start("q-close-send", sent, () -> closing.trySend(new byte[3], 0, 3, 1));
        pause.awaitReached();

        CompletableFuture<Integer> firstClosed = new CompletableFuture<>();
        Thread first = start("q-closer-1", firstClosed, () -> {
            closing.close();
            return owner.attributes().currentMessages();
        });
        assertThat(StepPause.awaitBlockedOrDone(first)).as("the first close waits for the step").isFalse();
        CompletableFuture<Integer> secondClosed = new CompletableFuture<>();
        Thread second = start("q-closer-2", secondClosed, () -> {
            closing.close(); // loses the mark to the first close
            return owner.attributes().currentMessages();
        });
        boolean secondReturnedWhileHeld = StepPause.awaitBlockedOrDone(second);
        pause.resume();

        assertThat(sent.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(firstClosed.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(secondClosed.get(20, TimeUnit.SECONDS))
                .as("the message of the step under way was queued when the second close returned").isEqualTo(1);
        assertThat(secondReturnedWhileHeld).as("the second close waited for the step").isFalse();
    }

    @Test
    void aTryReceiveInPlaceThatPassedItsCheckHasTakenItsMessageBeforeCloseReturns() throws Exception {
        MessageQueue owner = queues(peer).create("cr", QueueOptions.of(64, 4).withMode(0666));
        owner.send(new byte[9], 0, 9, 1);
        QueueHandle closing = (QueueHandle) queues(victim).open("cr");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        closing.hook(pause);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        start("q-close-drain", got, () -> closing.drain((view, info) -> { }, 1));
        pause.awaitReached();

        CompletableFuture<Integer> queuedWhenClosed = new CompletableFuture<>();
        Thread closer = start("q-closer", queuedWhenClosed, () -> {
            closing.close();
            return owner.attributes().currentMessages();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(closer);
        pause.resume();

        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(queuedWhenClosed.get(20, TimeUnit.SECONDS))
                .as("the message was taken before close returned, not after").isZero();
        assertThat(returnedWhileHeld).as("close waited for the step").isFalse();
    }

    @Test
    void aSendWhoseStepClosesItsOwnHandleSendsNothing() throws Exception {
        MessageQueue owner = queues(peer).create("ss", QueueOptions.of(64, 4).withMode(0666));
        QueueHandle closing = (QueueHandle) queues(victim).open("ss");
        AtomicBoolean once = new AtomicBoolean();
        closing.hook(step -> {
            if (step == GuardedHandle.STEP_GRANTED && once.compareAndSet(false, true)) {
                closing.close(); // on the stepping thread: close cannot wait for this step
            }
        });

        assertThatThrownBy(() -> closing.trySend(ByteBuffer.allocate(4), 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        assertThat(once).as("the hook ran inside the step").isTrue();
        assertThat(owner.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("nothing came through")
                .isEqualTo(MessageQueue.NO_MESSAGE);
    }

    @Test
    void aReceiveWhoseStepRevokesItsOwnGrantTakesNothing() throws Exception {
        assumeTrue(ProcessFence.isSupported(), "the grant's own gate waits for its steps: a revocation inside one would hang");
        MessageQueue owner = queues(peer).create("sr", QueueOptions.of(64, 4).withMode(0666));
        owner.send(new byte[6], 0, 6, 1);
        QueueHandle revoked = (QueueHandle) queues(victim).open("sr");
        AtomicBoolean once = new AtomicBoolean();
        revoked.hook(step -> {
            if (step == GuardedHandle.STEP_GRANTED && once.compareAndSet(false, true)) {
                victim.revokeAll(); // on the stepping thread: the revocation cannot wait for this step
            }
        });

        assertThatThrownBy(() -> revoked.tryReceive(new byte[64], 0, 64, new MessageInfo()))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        assertThat(owner.attributes().currentMessages()).as("the message stays queued").isEqualTo(1);
    }
}
