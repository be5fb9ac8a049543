package org.multios.ipc.channels.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;

/**
 * The oracle of the messaging soak tests catches what it must: a soak that passes proves
 * something only if a lost, duplicated, reordered, torn, misrouted or mislabelled message would
 * have failed it.
 */
class SoakLedgerTest {
    private static final long PID = 4242;

    @TempDir
    Path temp;

    private final byte[] buf = new byte[SoakMessages.MAX_LENGTH];
    private final MessageInfo info = new MessageInfo();

    private void deliver(SoakLedger ledger, int producer, long seq) {
        deliver(ledger, producer, seq, SoakMessages.priority(producer, seq), PID, SoakMessages.ROUTE_QUEUE);
    }

    private void deliver(SoakLedger ledger, int producer, long seq, int reportedPriority, long reportedPid,
            byte route) {
        int n = SoakMessages.write(buf, producer, seq, PID, SoakMessages.priority(producer, seq), route);
        info.set(n, reportedPriority, ProcessKind.OS_PROCESS, 1, reportedPid);
        ledger.accept(buf, n, info, SoakMessages.ROUTE_QUEUE);
    }

    @Test
    void aPerfectRunIsPerfect() throws Exception {
        SoakLedger a = new SoakLedger();
        SoakLedger b = new SoakLedger();
        for (long seq = 0; seq < 1000; seq++) {
            deliver(seq % 2 == 0 ? a : b, 7, seq);
        }
        a.sent(7, 1000);
        a.writeTo(temp.resolve("a"));
        SoakLedger all = SoakLedger.readFrom(temp.resolve("a"));
        all.merge(b);
        assertThat(all.lost()).isZero();
        assertThat(all.duplicates + all.orderViolations + all.corrupted + all.phantoms()).isZero();
        assertThat(all.messages).isEqualTo(1000);
        assertThat(all.failures).isEmpty();
    }

    @Test
    void lostAndPhantomMessagesAreCounted() {
        SoakLedger l = new SoakLedger();
        for (long seq = 0; seq < 100; seq++) {
            if (seq != 42) {
                deliver(l, 1, seq);
            }
        }
        deliver(l, 1, 150);
        l.sent(1, 100);
        assertThat(l.lost()).isEqualTo(1);
        assertThat(l.phantoms()).isEqualTo(1);
    }

    @Test
    void duplicatesWithinAndAcrossConsumersAreCounted() {
        SoakLedger a = new SoakLedger();
        SoakLedger b = new SoakLedger();
        deliver(a, 1, 0);
        deliver(a, 1, 0);
        deliver(b, 1, 0);
        a.merge(b);
        assertThat(a.duplicates).isEqualTo(2);
    }

    @Test
    void orderWithinAProducerAndPriorityIsChecked() {
        SoakLedger l = new SoakLedger();
        int priority = SoakMessages.priority(3, 10);
        long later = 11;
        while (SoakMessages.priority(3, later) != priority) {
            later++;
        }
        deliver(l, 3, later);
        deliver(l, 3, 10);
        assertThat(l.orderViolations).isEqualTo(1);
    }

    @Test
    void tornMislabelledAndMisroutedMessagesAreCounted() {
        SoakLedger l = new SoakLedger();
        int n = SoakMessages.write(buf, 5, 1, PID, SoakMessages.priority(5, 1), SoakMessages.ROUTE_QUEUE);
        buf[SoakMessages.HEADER - 1] ^= 1;
        info.set(n, SoakMessages.priority(5, 1), ProcessKind.OS_PROCESS, 1, PID);
        l.accept(buf, n, info, SoakMessages.ROUTE_QUEUE);
        assertThat(l.corrupted).isEqualTo(1);

        deliver(l, 5, 2, (SoakMessages.priority(5, 2) + 1) % 32, PID, SoakMessages.ROUTE_QUEUE);
        assertThat(l.priorityMismatches).isEqualTo(1);
        deliver(l, 5, 3, SoakMessages.priority(5, 3), PID + 1, SoakMessages.ROUTE_QUEUE);
        assertThat(l.senderMismatches).isEqualTo(1);
        deliver(l, 5, 4, SoakMessages.priority(5, 4), PID, SoakMessages.ROUTE_TO_A);
        assertThat(l.misrouted).isEqualTo(1);
        assertThat(l.failures).hasSize(4);
    }
}
