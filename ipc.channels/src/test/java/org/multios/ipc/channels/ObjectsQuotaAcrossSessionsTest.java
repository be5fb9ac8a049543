package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Quota;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channels.channel.ChannelMechanism;
import org.multios.ipc.channels.pipe.PipeMechanism;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #16 item 4 for named queues, channels and FIFOs: the objects quota counts what the root
 * holds of the owner's, of every kind together, so neither ending the session nor starting the mechanisms again over the same
 * root gives it back; only unlinking does.
 */
@Timeout(60)
class ObjectsQuotaAcrossSessionsTest extends IpcRootSupport {
    private static final String USER = System.getProperty("user.name");

    private MessageQueueMechanism queues;
    private ChannelMechanism channels;

    private void start() {
        queues = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        channels = new ChannelMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void stop() {
        queues.close();
        channels.close();
    }

    private static RecordingCaller withTwoObjects(long id) {
        return new RecordingCaller(id, USER, Map.of(Quota.OBJECTS, 2L));
    }

    @Test
    void namedQueuesAndChannelsHoldTheObjectsQuotaAcrossSessionsAndRestarts() {
        start();
        RecordingCaller first = withTwoObjects(1);
        queues.bind(first).create("q1", QueueOptions.of(64, 4));
        channels.bind(first).create("c1", ChannelOptions.defaults());
        assertOverQuota(() -> queues.bind(first).create("q2", QueueOptions.of(64, 4)));
        queues.release(first);
        channels.release(first);

        RecordingCaller nextSession = withTwoObjects(1);
        assertOverQuota(() -> channels.bind(nextSession).create("c2", ChannelOptions.defaults()));

        queues.close();
        channels.close();
        start();
        RecordingCaller afterRestart = withTwoObjects(3);
        assertOverQuota(() -> queues.bind(afterRestart).create("q3", QueueOptions.of(64, 4)));
        assertThat(queues.objects()).hasSize(1);
        assertThat(channels.objects()).hasSize(1);

        queues.bind(afterRestart).unlink("q1");
        queues.bind(afterRestart).create("q4", QueueOptions.of(64, 4));
        assertThat(afterRestart.used(Quota.OBJECTS)).as("nothing is left reserved in the session").isZero();
    }

    @Test
    void queuesChannelsAndFifosCountTogether() {
        start();
        PipeMechanism pipes = new PipeMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        try {
            RecordingCaller caller = withTwoObjects(4);
            pipes.bind(caller).createNamed("fifo", 0600);
            queues.bind(caller).create("q", QueueOptions.of(64, 4));
            assertOverQuota(() -> channels.bind(caller).create("c", ChannelOptions.defaults()));
            assertOverQuota(() -> pipes.bind(caller).createNamed("fifo2", 0600));
        } finally {
            pipes.close();
        }
    }

    private static void assertOverQuota(org.assertj.core.api.ThrowableAssert.ThrowingCallable create) {
        assertThatThrownBy(create).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).contains(USER).contains(Quota.OBJECTS.key());
        });
    }
}
