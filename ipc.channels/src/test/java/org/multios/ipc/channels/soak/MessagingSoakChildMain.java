package org.multios.ipc.channels.soak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.ChildMain;

/**
 * A child JVM of the messaging soak tests: attaches through {@link Ipc#open()} (IPC root from
 * the system property {@code org.multios.ipc.root}), runs producers and consumers on a named
 * queue or on one end of a named channel, and writes its {@link SoakLedger} to a file.
 *
 * <pre>
 * queue   &lt;name&gt; &lt;firstProducer&gt; &lt;producers&gt; &lt;consumers&gt; &lt;millis&gt; &lt;ledgerFile&gt;
 * channel &lt;name&gt; A|B &lt;firstProducer&gt; &lt;producers&gt; &lt;consumers&gt; &lt;millis&gt; &lt;ledgerFile&gt;
 * </pre>
 *
 * Each producer thread (ids {@code firstProducer ..}) sends for {@code millis} ms, each on a
 * handle of its own; then the child prints {@code produced <count>}. Each consumer thread
 * receives on a handle of its own until a stop message; then the child writes the merged ledger
 * (with what its producers sent) and prints {@code done}. A failure exits with code 1.
 */
public final class MessagingSoakChildMain {
    private MessagingSoakChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runAnnounced(args, MessagingSoakChildMain::run);
    }

    private static void run(String[] args) throws Exception {
        boolean queue = args[0].equals("queue");
        int a = queue ? 2 : 3;
        String name = args[1];
        ChannelSide side = queue ? null : ChannelSide.valueOf(args[2]);
        int firstProducer = Integer.parseInt(args[a]);
        int producers = Integer.parseInt(args[a + 1]);
        int consumers = Integer.parseInt(args[a + 2]);
        long millis = Long.parseLong(args[a + 3]);
        Path ledgerFile = Path.of(args[a + 4]);
        byte sendRoute = queue ? SoakMessages.ROUTE_QUEUE
                : side == ChannelSide.A ? SoakMessages.ROUTE_TO_B : SoakMessages.ROUTE_TO_A;
        byte receiveRoute = queue ? SoakMessages.ROUTE_QUEUE
                : side == ChannelSide.A ? SoakMessages.ROUTE_TO_A : SoakMessages.ROUTE_TO_B;
        try (IpcContext ipc = Ipc.open()) {
            List<MessagePort> ports = new ArrayList<>();
            for (int i = 0; i < producers + consumers; i++) {
                ports.add(queue ? ipc.service(MessageQueueService.class).open(name)
                        : ipc.service(ChannelService.class).open(name, side));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            List<FutureTask<SoakLedger>> consuming = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                MessagePort port = ports.get(producers + c);
                consuming.add(start("consumer-" + c, () -> SoakWorkers.consume(port, receiveRoute)));
            }
            List<FutureTask<Long>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                MessagePort port = ports.get(p);
                int id = firstProducer + p;
                producing.add(start("producer-" + id, () -> SoakWorkers.produce(port, id, sendRoute, deadline)));
            }
            SoakLedger ledger = new SoakLedger();
            long sent = 0;
            for (int p = 0; p < producers; p++) {
                long n = get(producing.get(p));
                ledger.sent(firstProducer + p, n);
                sent += n;
            }
            System.out.println("produced " + sent);
            System.out.flush();
            for (FutureTask<SoakLedger> c : consuming) {
                ledger.merge(get(c));
            }
            ledger.writeTo(ledgerFile);
            for (MessagePort port : ports) {
                port.close();
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
            return f.get(SoakWorkers.WAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }
}
