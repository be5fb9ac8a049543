package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connections wait for a credential reader up to a bound; beyond, none is started. */
@Timeout(30)
class PeerCredentialsTest {

    @Test
    void aConnectionBeyondTheRoomToWaitIsNotStartedAndThoseWaitingAreClosedAtTheEnd() throws Exception {
        CountDownLatch reading = new CountDownLatch(PeerCredentials.THREADS);
        CountDownLatch released = new CountDownLatch(1);
        PeerCredentials credentials = new PeerCredentials(1);
        credentials.reader(channel -> {
            reading.countDown();
            try {
                released.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the name service hangs");
        });
        SocketChannel[] channels = new SocketChannel[PeerCredentials.THREADS + 2];
        try {
            for (int i = 0; i < channels.length; i++) {
                channels[i] = SocketChannel.open();
            }
            for (int i = 0; i < PeerCredentials.THREADS; i++) {
                assertThat(credentials.read(channels[i], (c, p) -> { }, c -> { })).as("read " + i).isTrue();
            }
            assertThat(reading.await(20, TimeUnit.SECONDS)).as("every reader thread reads").isTrue();
            SocketChannel waiting = channels[PeerCredentials.THREADS];
            assertThat(credentials.read(waiting, (c, p) -> { }, c -> { })).as("one waits").isTrue();
            assertThat(credentials.read(channels[channels.length - 1], (c, p) -> { }, c -> { }))
                    .as("no room left to wait").isFalse();

            credentials.close();
            assertThat(waiting.isOpen()).as("the connection still waiting is closed").isFalse();
        } finally {
            released.countDown();
            for (SocketChannel c : channels) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
