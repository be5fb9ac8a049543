package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * {@link MessagePort}'s one timeout rule, the same for a queue and a channel end: a negative or
 * null timeout is INVALID_ARGUMENT for each timed form, and the call does nothing (a send with
 * room sends nothing, a receive with a message waiting leaves it); zero makes one attempt.
 */
class MessagePortTimeoutTest extends IpcRootSupport {
    private static final Duration NEGATIVE = Duration.ofNanos(-1);

    /** A port to send on and one that receives what it sends. */
    record Ports(MessagePort sender, MessagePort receiver) {
    }

    static Stream<Function<IpcContext, Ports>> ports() {
        return Stream.of(c -> {
            var q = c.service(MessageQueueService.class).create("timeouts", QueueOptions.defaults());
            return new Ports(q, q);
        }, c -> {
            var ch = c.service(ChannelService.class).create(1024);
            return new Ports(ch.endA(), ch.endB());
        });
    }

    @ParameterizedTest
    @MethodSource("ports")
    void aNegativeOrNullTimeoutIsInvalidAndDoesNothing(Function<IpcContext, Ports> make) {
        Ports p = make.apply(context());
        byte[] b = {1, 2, 3};
        for (Duration bad : new Duration[] {NEGATIVE, null}) {
            failsWith(IpcError.INVALID_ARGUMENT, () -> p.sender().send(b, 0, 3, 0, bad));
            failsWith(IpcError.INVALID_ARGUMENT, () -> p.sender().send(ByteBuffer.wrap(b), 0, bad));
        }
        assertThat(p.receiver().tryReceive(new byte[8], 0, 8, null)).as("nothing was sent")
                .isEqualTo(MessagePort.NO_MESSAGE);

        p.sender().send(b, 0, 3, 0, Duration.ZERO);
        for (Duration bad : new Duration[] {NEGATIVE, null}) {
            failsWith(IpcError.INVALID_ARGUMENT, () -> p.receiver().receive(new byte[8], 0, 8, null, bad));
            failsWith(IpcError.INVALID_ARGUMENT, () -> p.receiver().receive(ByteBuffer.allocate(8), null, bad));
        }
        MessageInfo info = new MessageInfo();
        assertThat(p.receiver().receive(new byte[8], 0, 8, info, Duration.ZERO)).as("the message stayed")
                .isEqualTo(3);
        failsWith(IpcError.TIMEOUT, () -> p.receiver().receive(new byte[8], 0, 8, null, Duration.ZERO));
    }
}
