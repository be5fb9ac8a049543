package org.multios.ipc.channels.soak;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;

/**
 * The producer and consumer loops of the messaging soak tests, run by threads of the test JVM
 * and of the child JVMs alike. Both use every form of the port's calls in turn (timed, try,
 * byte array and ByteBuffer), and every wait is bounded by {@link #WAIT}.
 */
final class SoakWorkers {
    /** The longest any single send or receive may wait before the run counts as hung. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private SoakWorkers() {
    }

    /**
     * Sends messages 0, 1, 2, ... of {@code producer} on {@code port} until {@code deadlineNanos}
     * (System.nanoTime) passes.
     *
     * @return how many were sent: every send that returned
     */
    static long produce(MessagePort port, int producer, byte route, long deadlineNanos) {
        long pid = ProcessHandle.current().pid();
        byte[] buf = new byte[SoakMessages.MAX_LENGTH];
        ByteBuffer direct = ByteBuffer.allocateDirect(SoakMessages.MAX_LENGTH);
        long seq = 0;
        while (System.nanoTime() - deadlineNanos < 0) {
            for (int batch = 0; batch < 64; batch++, seq++) {
                int priority = SoakMessages.priority(producer, seq);
                int n = SoakMessages.write(buf, producer, seq, pid, priority, route);
                switch ((int) (seq & 7)) {
                    case 0, 1, 2 -> port.send(buf, 0, n, priority, WAIT);
                    case 3, 4 -> {
                        if (!port.trySend(buf, 0, n, priority)) {
                            port.send(buf, 0, n, priority, WAIT);
                        }
                    }
                    case 5 -> {
                        direct.clear();
                        direct.put(buf, 0, n).flip();
                        port.send(direct, priority, WAIT);
                    }
                    case 6 -> {
                        direct.clear();
                        direct.put(buf, 0, n).flip();
                        if (!port.trySend(direct, priority)) {
                            port.send(direct, priority, WAIT);
                        }
                    }
                    default -> port.send(buf, 0, n, priority);
                }
            }
        }
        return seq;
    }

    /** Sends {@code count} stop messages, one for each consumer that receives from {@code route}. */
    static void stop(MessagePort port, byte route, int count) {
        byte[] buf = new byte[SoakMessages.MAX_LENGTH];
        int n = SoakMessages.writeStop(buf, ProcessHandle.current().pid(), route);
        for (int i = 0; i < count; i++) {
            port.send(buf, 0, n, 0, WAIT);
        }
    }

    /** Receives from {@code port} and checks every message until a stop message arrives. */
    static SoakLedger consume(MessagePort port, byte route) {
        SoakLedger ledger = new SoakLedger();
        byte[] buf = new byte[SoakMessages.MAX_LENGTH];
        ByteBuffer heap = ByteBuffer.allocate(SoakMessages.MAX_LENGTH);
        MessageInfo info = new MessageInfo();
        for (long i = 0;; i++) {
            int n;
            switch ((int) (i & 3)) {
                case 0 -> n = port.receive(buf, 0, buf.length, info, WAIT);
                case 1 -> {
                    n = port.tryReceive(buf, 0, buf.length, info);
                    if (n == MessagePort.NO_MESSAGE) {
                        n = port.receive(buf, 0, buf.length, info, WAIT);
                    }
                }
                case 2 -> {
                    heap.clear();
                    n = port.receive(heap, info, WAIT);
                    if (heap.position() != n) {
                        throw new AssertionError("receive(ByteBuffer) returned " + n + " but moved the position to "
                                + heap.position());
                    }
                    System.arraycopy(heap.array(), 0, buf, 0, n);
                }
                default -> {
                    heap.clear();
                    n = port.tryReceive(heap, info);
                    if (n == MessagePort.NO_MESSAGE) {
                        n = port.receive(heap, info, WAIT);
                    }
                    System.arraycopy(heap.array(), 0, buf, 0, n);
                }
            }
            if (n != info.length()) {
                throw new AssertionError("receive returned " + n + " bytes but the info says " + info.length());
            }
            if (SoakMessages.isWhole(buf, n) && SoakMessages.producer(buf) == SoakMessages.STOP) {
                if (SoakMessages.route(buf) != route) {
                    ledger.misrouted++;
                }
                return ledger;
            }
            ledger.accept(buf, n, info, route);
        }
    }
}
