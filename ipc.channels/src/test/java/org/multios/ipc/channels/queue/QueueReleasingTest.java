package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.RecordingCaller;

/**
 * The queue mechanism's {@code releasing()}, as the framework calls it before it releases the
 * callers of a departing bundle: a receiver asleep in the kernel (with a slice longer than the
 * test's patience, so only a wake-up ends the sleep) wakes with CLOSED, as on a channel.
 */
@Timeout(60)
class QueueReleasingTest extends IpcRootSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private MessageQueueMechanism mechanism;

    @AfterEach
    void closeMechanism() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    @Test
    void aSleepingReceiverWakesWithClosedWhenTheMechanismIsReleasing() throws Exception {
        mechanism = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        RecordingCaller caller = RecordingCaller.osUser(1);
        MessageQueue q = mechanism.bind(caller).create("rel", QueueOptions.defaults());
        ((QueueHandle) q).sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("q-releasing-recv", got,
                () -> q.receive(new byte[64], 0, 64, new MessageInfo())), -1);

        mechanism.releasing();

        Throwable failure = null;
        try {
            got.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        assertThat(failure).as("the receive ended by releasing").isInstanceOf(IpcException.class);
        assertThat(((IpcException) failure).error()).isEqualTo(IpcError.CLOSED);
    }
}
