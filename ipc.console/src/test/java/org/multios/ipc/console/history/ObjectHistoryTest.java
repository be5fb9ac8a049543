package org.multios.ipc.console.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

class ObjectHistoryTest {
    private static final IpcProcess CREATOR = new IpcProcess(ProcessKind.BUNDLE, 7, "fixture", 4242, 0, "alice",
            Set.of("staff"));
    private final AtomicLong now = new AtomicLong(1_000_000);

    /** A history driven by the test: its timer is shut down, so only {@code sample} adds samples. */
    private ObjectHistory history() {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        return new ObjectHistory(now::get, stopped);
    }

    private static ObjectInfo queue(String name, long in, long out, long bytesIn) {
        long[] c = new long[Counter.values().length];
        c[Counter.MESSAGES_IN.ordinal()] = in;
        c[Counter.MESSAGES_OUT.ordinal()] = out;
        c[Counter.BYTES_IN.ordinal()] = bytesIn;
        c[Counter.DEPTH.ordinal()] = in - out;
        return new ObjectInfo(ObjectType.QUEUE, 1, Optional.of(name), CREATOR, Permissions.of(CREATOR, 0600), 16, true,
                Statistics.of(c, new WaitTimes(in, 1_000, 2_000, 3_000, 4_000, 5_000)));
    }

    @Test
    void ratesAreChangesPerSecondBetweenSamples() {
        ObjectHistory h = history();
        h.sample(List.of(queue("orders", 0, 0, 0)));
        now.addAndGet(2_000);
        h.sample(List.of(queue("orders", 100, 40, 6_400)));
        now.addAndGet(2_000);
        h.sample(List.of(queue("orders", 300, 240, 19_200)));

        Series s = h.series().get(0);
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.messagesIn()).containsExactly(50.0, 100.0);
        assertThat(s.messagesOut()).containsExactly(20.0, 100.0);
        assertThat(s.bytesIn()).containsExactly(3_200.0, 6_400.0);
        assertThat(s.depth()).containsExactly(60L, 60L);
        assertThat(s.p99()).containsExactly(3_000L, 3_000L);
        assertThat(s.time()).containsExactly(1_002.0, 1_004.0);
    }

    @Test
    void theBusiestComeFirstAndIdleOnesAreLeftOut() throws InterruptedException {
        ObjectHistory h = history();
        h.sample(List.of(queue("a", 0, 0, 0), queue("b", 0, 0, 0), queue("idle", 5, 5, 0)));
        now.addAndGet(2_000);
        h.sample(List.of(queue("a", 10, 0, 0), queue("b", 1_000, 0, 0), queue("idle", 5, 5, 0)));
        assertThat(h.busiest(10)).extracting(ObjectHistory.Rate::name).containsExactly("b", "a");
        assertThat(h.busiest(1)).extracting(ObjectHistory.Rate::messagesPerSecond).containsExactly(500.0);
    }

    @Test
    void atMostMaxObjectsAndAtMostPointsAreKeptAndGoneObjectsDropped() {
        ObjectHistory h = history();
        List<ObjectInfo> many = new ArrayList<>();
        for (int i = 0; i < ObjectHistory.MAX_OBJECTS + 10; i++) {
            many.add(queue(String.format("q%04d", i), i, 0, 0));
        }
        for (int i = 0; i < ObjectHistory.POINTS + 5; i++) {
            now.addAndGet(2_000);
            h.sample(many);
        }
        List<Series> all = h.series();
        assertThat(all).hasSize(ObjectHistory.MAX_OBJECTS);
        assertThat(all.get(0).time()).hasSize(ObjectHistory.POINTS - 1);
        now.addAndGet(2_000);
        h.sample(List.of(queue("q0001", 1, 0, 0)));
        assertThat(h.series()).extracting(Series::name).containsExactly("q0001");
    }
}
