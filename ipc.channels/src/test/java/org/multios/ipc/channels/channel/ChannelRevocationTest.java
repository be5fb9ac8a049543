package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Issue #26 item 1 for channels: revoking an end's grant stops its send and receive that are
 * already asleep: the revocation wakes them (their slices are an hour long, and nothing else
 * happens before they must have failed), they fail with PERMISSION_DENIED and are audited, and
 * the message sent, or the space made, after the revocation stays for others. A non-blocking
 * send that passed its grant check before the revocation is delivered before the revocation
 * returns.
 */
@Timeout(60)
class ChannelRevocationTest extends IpcRootSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final ChannelOptions ONE_MESSAGE = ChannelOptions.defaults().withMaxMessages(1)
            .withMaxMessageSize(64).withBufferSize(256).withMode(0666);

    private ChannelMechanism mechanism;
    private final RecordingCaller victim = RecordingCaller.osUser(1);
    private final RecordingCaller peer = RecordingCaller.osUser(2);

    private ChannelService channels(RecordingCaller caller) {
        if (mechanism == null) {
            mechanism = new ChannelMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
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
    void aBlockedReceiveFailsAtRevokeAndTheMessageSentAfterStaysForTheEnd() throws Exception {
        ChannelEnd a = channels(peer).create("rc", ONE_MESSAGE);
        ChannelHandle revoked = (ChannelHandle) channels(victim).open("rc", ChannelSide.B);
        revoked.sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("c-rev-recv", got,
                () -> revoked.receive(new byte[64], 0, 64, new MessageInfo())), -1);

        victim.revokeAll();
        assertDenied(got);
        a.send(new byte[12], 0, 12, 1);

        assertThat(victim.denials()).containsExactly("receive from channel 'rc'");
        ChannelEnd b = channels(peer).open("rc", ChannelSide.B);
        assertThat(b.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("the message is still there")
                .isEqualTo(12);
    }

    @Test
    void aBlockedSendFailsAtRevokeAndSendsNothingIntoTheSpaceMadeAfter() throws Exception {
        ChannelEnd a = channels(peer).create("sc", ONE_MESSAGE);
        ChannelEnd b = channels(peer).open("sc", ChannelSide.B);
        a.send(new byte[5], 0, 5, 1);
        ChannelHandle revoked = (ChannelHandle) channels(victim).open("sc", ChannelSide.A);
        revoked.sliceNanos(HOUR);
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("c-rev-send", sent, () -> {
            revoked.send(new byte[7], 0, 7, 1);
            return 7;
        }), -1);

        victim.revokeAll();
        assertDenied(sent);
        assertThat(b.receive(new byte[64], 0, 64, new MessageInfo())).isEqualTo(5);

        assertThat(victim.denials()).containsExactly("send to channel 'sc'");
        assertThat(b.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("nothing came through")
                .isEqualTo(MessagePort.NO_MESSAGE);
    }

    @Test
    void aTrySendThatPassedItsCheckIsDeliveredBeforeRevokeReturns() throws Exception {
        ChannelEnd a = channels(peer).create("ic", ONE_MESSAGE);
        ChannelHandle revoked = (ChannelHandle) channels(victim).open("ic", ChannelSide.B);
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        revoked.hook(pause);
        CompletableFuture<Boolean> sent = new CompletableFuture<>();
        start("c-step-send", sent, () -> revoked.trySend(new byte[3], 0, 3, 1));
        pause.awaitReached();

        CompletableFuture<Integer> pendingWhenRevoked = new CompletableFuture<>();
        Thread revoker = start("c-revoker", pendingWhenRevoked, () -> {
            victim.revokeAll();
            return a.pendingMessages();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(sent.get(20, TimeUnit.SECONDS)).as("the step under way completes").isTrue();
        assertThat(pendingWhenRevoked.get(20, TimeUnit.SECONDS))
                .as("the message of the step under way was there when revoke returned").isEqualTo(1);
        assertThat(returnedWhileHeld).as("revoke waited for the step").isFalse();
    }
}
