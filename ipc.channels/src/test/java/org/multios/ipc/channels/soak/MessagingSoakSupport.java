package org.multios.ipc.channels.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Common ground of the messaging soak tests: an IPC root of their own (on /dev/shm where it
 * exists), contexts of this JVM (each a separate IPC process to the platform), child JVMs
 * running {@link MessagingSoakChildMain}, and a {@link Run} that starts producers and consumers
 * here and there, stops them and merges what every consumer saw.
 *
 * <p>The load phase lasts {@code ipc.soak.seconds} (system property; default
 * {@value #DEFAULT_SECONDS} s, the bounded form run by {@code mvn verify}).
 */
@Tag("soak")
abstract class MessagingSoakSupport extends IpcRootSupport {
    /** Seconds of load of each soak scenario in the bounded form. */
    static final long DEFAULT_SECONDS = 3;

    /** How long past the load phase a child may take to report its producers finished. */
    static final long CHILD_WAIT_SECONDS = 120;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(MessagingSoakChildMain.class);

    /** The load phase of each scenario, from {@code -Dipc.soak.seconds}. */
    static long soakMillis() {
        return TimeUnit.SECONDS.toMillis(Long.getLong("ipc.soak.seconds", DEFAULT_SECONDS));
    }

    /** Child JVMs go before the contexts of this JVM close (subclass hooks run first). */
    @AfterEach
    void destroyChildren() throws InterruptedException {
        children.destroyAll();
    }

    /** Asserts a merged ledger is perfect and prints the one-line summary. */
    static void assertPerfectAndReport(String scenario, Run run, SoakLedger all) {
        long lost = all.lost();
        String summary = String.format(
                "SOAK %s: messages=%d bytes=%d producers=%d consumers=%d processes=%d threads=%d duration=%.1fs "
                        + "lost=%d duplicates=%d corrupted=%d orderViolations=%d phantoms=%d priorityMismatches=%d "
                        + "senderMismatches=%d misrouted=%d",
                scenario, all.messages, all.bytes, run.producerCount, run.consumerCount, 1 + run.processes.size(),
                run.threadCount, run.elapsedSeconds(), lost, all.duplicates, all.corrupted, all.orderViolations,
                all.phantoms(), all.priorityMismatches, all.senderMismatches, all.misrouted);
        System.out.println(summary);
        assertThat(all.totalSent()).as("messages sent (%s)", all).isPositive();
        assertThat(all.failures).as("failures seen by the consumers (%s)", all).isEmpty();
        assertThat(lost).as("lost: %s", all).isZero();
        assertThat(all.duplicates).as("duplicates: %s", all).isZero();
        assertThat(all.corrupted).as("corrupted: %s", all).isZero();
        assertThat(all.orderViolations).as("order violations: %s", all).isZero();
        assertThat(all.phantoms()).as("phantoms: %s", all).isZero();
        assertThat(all.priorityMismatches + all.senderMismatches + all.misrouted).as("mismatches: %s", all).isZero();
        assertThat(all.messages).as("every message sent was received once: %s", all).isEqualTo(all.totalSent());
    }

    /** One soak run: producers and consumers in this JVM and in child JVMs. */
    final class Run {
        final long started = System.nanoTime();
        final long deadline = started + TimeUnit.MILLISECONDS.toNanos(soakMillis());
        private final List<FutureTask<Long>> producers = new ArrayList<>();
        private final List<Integer> producerIds = new ArrayList<>();
        private final List<FutureTask<SoakLedger>> consumers = new ArrayList<>();
        final List<Process> processes = new ArrayList<>();
        private final List<Path> ledgers = new ArrayList<>();
        int producerCount;
        int consumerCount;
        int threadCount;
        private long ended;

        void produce(MessagePort port, int id, byte route) {
            producers.add(start("producer-" + id, () -> SoakWorkers.produce(port, id, route, deadline)));
            producerIds.add(id);
            producerCount++;
            threadCount++;
        }

        void consume(MessagePort port, byte route) {
            consumers.add(start("consumer-" + consumers.size(), () -> SoakWorkers.consume(port, route)));
            consumerCount++;
            threadCount++;
        }

        /**
         * Starts a child JVM with {@code producers} producers (ids from {@code firstProducer})
         * and {@code consumers} consumers; {@code head} are the arguments before those numbers.
         */
        void child(int firstProducer, int producers, int consumers, String... head) throws IOException {
            Path ledger = tempDir.resolve("ledger-" + processes.size() + ".bin");
            List<String> args = new ArrayList<>(List.of(head));
            long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            args.addAll(List.of(Integer.toString(firstProducer), Integer.toString(producers),
                    Integer.toString(consumers), Long.toString(left), ledger.toString()));
            Process p = children.startJava("soak-child-" + processes.size(), root,
                    tempDir.resolve("soak-child-" + processes.size() + ".log"), args.toArray(String[]::new));
            processes.add(p);
            ledgers.add(ledger);
            producerCount += producers;
            consumerCount += consumers;
            threadCount += producers + consumers;
        }

        /**
         * Waits until every producer here and in the children has finished, lets
         * {@code sendStops} send the stop messages, waits for every consumer and child, and
         * returns the merged ledger with what every producer sent.
         */
        SoakLedger finish(Consumer<Run> sendStops) throws Exception {
            SoakLedger all = new SoakLedger();
            for (int i = 0; i < producers.size(); i++) {
                all.sent(producerIds.get(i), get(producers.get(i)));
            }
            for (Process p : processes) {
                awaitProduced(p);
            }
            ended = System.nanoTime();
            sendStops.accept(this);
            for (FutureTask<SoakLedger> c : consumers) {
                all.merge(get(c));
            }
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                assertThat(children.awaitExit(p)).as("exit code of child %d; its output:%n%s", p.pid(),
                        children.output(p)).isZero();
                all.merge(SoakLedger.readFrom(ledgers.get(i)));
            }
            return all;
        }

        double elapsedSeconds() {
            return (ended - started) / 1e9;
        }

        private void awaitProduced(Process p) throws InterruptedException {
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_WAIT_SECONDS);
            while (!children.output(p).contains("produced ")) {
                if (!p.isAlive()) {
                    throw new AssertionError("child " + p.pid() + " ended with " + p.exitValue()
                            + " before its producers finished; its output:\n" + children.output(p));
                }
                if (System.nanoTime() - limit > 0) {
                    throw new AssertionError("child " + p.pid() + " did not finish producing within "
                            + CHILD_WAIT_SECONDS + " s after its deadline; its output:\n" + children.output(p));
                }
                Thread.sleep(10);
            }
        }
    }

    private static <T> FutureTask<T> start(String name, java.util.concurrent.Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static <T> T get(FutureTask<T> f) throws Exception {
        try {
            return f.get(soakMillis() + SoakWorkers.WAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }
}
