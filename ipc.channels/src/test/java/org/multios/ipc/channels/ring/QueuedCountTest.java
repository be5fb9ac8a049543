package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class QueuedCountTest {

    @Test
    void decrementsOnlyAPositiveCountWhateverItGuessedFirst() {
        QueuedCount count = new QueuedCount();
        assertThat(count.decrementIfPositive()).isFalse(); // 0: the guess of 1 is wrong, nothing taken

        count.increment();
        assertThat(count.decrementIfPositive()).isTrue(); // 1: the guess is right
        assertThat(count.decrementIfPositive()).isFalse();

        for (int i = 0; i < 5; i++) {
            count.increment();
        }
        assertThat(count.decrementIfPositive()).isTrue(); // 5: guessed wrong, then from what it saw
        assertThat(count.takeAll()).isEqualTo(4);
        assertThat(count.decrementIfPositive()).isFalse();
    }

    @Test
    void concurrentSendsAndReceivesNeverTakeMoreThanWasCounted() {
        int senders = 2;
        int receivers = 2;
        int perSender = 50_000;
        QueuedCount count = new QueuedCount();
        AtomicLong taken = new AtomicLong();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(senders + receivers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch sent = new CountDownLatch(senders);
                Future<?>[] results = new Future<?>[senders + receivers];
                for (int t = 0; t < senders; t++) {
                    results[t] = pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perSender; i++) {
                            count.increment();
                        }
                        sent.countDown();
                        return null;
                    });
                }
                for (int t = 0; t < receivers; t++) {
                    results[senders + t] = pool.submit(() -> {
                        start.await();
                        while (true) {
                            boolean allSent = sent.getCount() == 0; // read before the decrement fails
                            if (count.decrementIfPositive()) {
                                taken.incrementAndGet();
                            } else if (allSent) {
                                break; // all sent, and none left counted after that
                            }
                        }
                        return null;
                    });
                }
                start.countDown();
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        });

        assertThat(taken.get()).isEqualTo((long) senders * perSender);
        assertThat(count.takeAll()).isZero();
        assertThat(count.decrementIfPositive()).isFalse();
    }
}
