package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;

/**
 * A stream of frames costs no array per frame: the sender's bytes go straight into the write
 * buffer, and the receiver's payload arrays are pooled. Counted over every thread of the
 * process (the sender, the receiver, the reactor), as bytes allocated per frame.
 */
@Timeout(120)
class StreamingAllocationTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    private static final int SIZE = 4096;
    private static final int WARM_UP = 5_000;
    private static final int FRAMES = 20_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void aStreamOfFramesAllocatesFarLessThanAFramePerFrame() throws Exception {
        NetService net = net();
        try (Listener listener = net.listen(Endpoint.tcp(0), OPEN);
                Connection client = net.connect(listener.endpoint());
                Connection server = listener.accept(Duration.ofSeconds(10))) {
            stream(client, server, WARM_UP);
            long perFrame = stream(client, server, FRAMES) / FRAMES;
            assertThat(perFrame).as("bytes allocated per %d-byte frame, every thread counted", SIZE)
                    .isLessThan(SIZE / 4);
        }
    }

    /** Sends {@code count} frames while a receiver thread takes them; returns the bytes every thread allocated meanwhile. */
    private static long stream(Connection client, Connection server, int count) throws Exception {
        AtomicLong receiverAllocated = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread receiver = new Thread(() -> {
            long start = THREADS.getCurrentThreadAllocatedBytes();
            byte[] in = new byte[SIZE];
            MessageInfo info = new MessageInfo();
            try {
                for (int i = 0; i < count; i++) {
                    server.receive(in, 0, in.length, info, Duration.ofSeconds(30));
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
            receiverAllocated.set(THREADS.getCurrentThreadAllocatedBytes() - start);
        }, "allocation-test-receiver");
        long othersBefore = allocatedByLiveThreads();
        receiver.start();
        byte[] frame = new byte[SIZE];
        for (int i = 0; i < count; i++) {
            client.send(0, frame, 0, SIZE, 0);
        }
        receiver.join(Duration.ofSeconds(60).toMillis());
        assertThat(receiver.isAlive()).as("the receiver finished").isFalse();
        assertThat(failure.get()).isNull();
        return allocatedByLiveThreads() - othersBefore + receiverAllocated.get();
    }

    /** Bytes allocated so far by the live threads (the receiver, once ended, counts no more). */
    private static long allocatedByLiveThreads() {
        long total = 0;
        for (long a : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            total += Math.max(0, a);
        }
        return total;
    }
}
