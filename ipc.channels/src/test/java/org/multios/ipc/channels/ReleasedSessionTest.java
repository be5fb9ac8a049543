package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.channel.ChannelMechanism;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #16 item 5 and #26 item 6 for queues and channels: a service object kept after its
 * session was released (the bundle ungot it, or ipc.security stopped) refuses every create, open
 * and unlink with CLOSED, and creates nothing.
 */
@Timeout(60)
class ReleasedSessionTest extends IpcRootSupport {
    private final RecordingCaller caller = RecordingCaller.osUser(1);
    private final RecordingCaller other = RecordingCaller.osUser(2);
    private MessageQueueMechanism queues;
    private ChannelMechanism channels;

    @AfterEach
    void closeMechanisms() {
        if (queues != null) {
            queues.close();
        }
        if (channels != null) {
            channels.close();
        }
    }

    @Test
    void aReleasedQueueServiceRefusesCreateOpenAndUnlinkAndCreatesNothing() {
        queues = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        queues.bind(other).create("kept", QueueOptions.of(64, 4).withMode(0666));
        MessageQueueService kept = queues.bind(caller);

        queues.release(caller);

        assertClosed(() -> kept.create("late", QueueOptions.of(64, 4)));
        assertClosed(() -> kept.open("kept"));
        assertClosed(() -> kept.unlink("kept"));
        assertThat(queues.objects()).extracting(ObjectInfo::name).containsExactly(java.util.Optional.of("kept"));
    }

    @Test
    void aReleasedChannelServiceRefusesCreateOpenAndUnlinkAndCreatesNothing() {
        channels = new ChannelMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        channels.bind(other).create("kept", ChannelOptions.defaults().withMode(0666));
        ChannelService kept = channels.bind(caller);

        channels.release(caller);

        assertClosed(() -> kept.create("late", ChannelOptions.defaults()));
        assertClosed(() -> kept.create(ChannelOptions.defaults()));
        assertClosed(() -> kept.open("kept", ChannelSide.B, Rights.READ_WRITE));
        assertClosed(() -> kept.unlink("kept"));
        assertThat(channels.objects()).extracting(ObjectInfo::name).containsExactly(java.util.Optional.of("kept"));
    }

    private static void assertClosed(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }
}
