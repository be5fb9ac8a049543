package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.net.internal.PythonBridgeClient.readAll;
import static org.multios.ipc.net.internal.PythonBridgeClient.readLine;
import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.OP_RECEIVE;
import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.OP_SEND;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.PythonBridgeClient.Run;
import org.multios.ipc.net.internal.bridge.BridgeHooks;
import org.multios.ipc.net.internal.bridge.BridgeServer;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * The delivery contract of bridges (BridgeDescriptor, NetService): what a caller is told after
 * an interrupt, a timeout or the peer's BYE matches what happened to the message. Each race is
 * made certain by pausing the bridge's worker at a {@link BridgeHooks} point until the other
 * side has done its part.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class BridgeDeliveryTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);
    /** How long a hook waits for an event that the old, broken code never produces. */
    private static final long SAFETY_SECONDS = 15;

    private final ExecutorService callers = Executors.newCachedThreadPool(r -> new Thread(r, "bridge-test-caller"));
    private PythonBridgeClient python;

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
        if (python != null) {
            python.close();
        }
    }

    @Test
    void anInterruptedRemoteReceivePutsTheMessageItTookBackForOtherConsumers() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "inbox");
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch cancelSeen = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "inbox", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_RECEIVE) {
                    taken.countDown();
                    await(cancelSeen);
                }
            }

            @Override
            public void cancelled(int id) {
                cancelSeen.countDown();
            }
        }); MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "inbox", ConnectOptions.DEFAULTS)) {
            AtomicReference<Thread> receiver = new AtomicReference<>();
            Future<Integer> receive = callers.submit(() -> {
                receiver.set(Thread.currentThread());
                return remote.receive(new byte[64], 0, 64, new MessageInfo());
            });
            local.send(bytes("only"), 0, 4, 6);
            await(taken);
            receiver.get().interrupt();

            assertFailsWith(IpcError.INTERRUPTED, receive);
            // The bridge had taken the message; the cancelled receive gave it back, to anyone.
            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            assertThat(local.tryReceive(buf, 0, buf.length, info)).as("the message is back in the queue").isEqualTo(4);
            assertThat(info.priority()).isEqualTo(6);
            remote.close();
            assertThat(local.tryReceive(buf, 0, buf.length, info)).isEqualTo(MessageQueue.NO_MESSAGE);
        }
    }

    @Test
    void closingARemoteQueueWhileAReceiveHoldsAMessageLosesNothing() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "closing");
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch cancelSeen = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "closing", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_RECEIVE) {
                    taken.countDown();
                    await(cancelSeen);
                }
            }

            @Override
            public void cancelled(int id) {
                cancelSeen.countDown();
            }
        })) {
            MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "closing", ConnectOptions.DEFAULTS);
            Future<Integer> receive = callers.submit(() -> remote.receive(new byte[64], 0, 64, new MessageInfo()));
            local.send(bytes("held"), 0, 4, 1);
            await(taken);
            remote.close();

            assertFailsWith(IpcError.CLOSED, receive);
            assertThat(drain(local)).as("the message the closed handle's receive took").containsExactly("held");
        }
    }

    @Test
    void aLateReplyToAnAbandonedReceiveIsSentBackWhenTheHandleCloses() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "late");
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch gaveUp = new CountDownLatch(1);
        CountDownLatch replied = new CountDownLatch(1);
        // The bridge holds its reply until the caller gave up (its cancel unanswered), and reads
        // the cancel only after the reply went out: the reply is late, never cancelled.
        try (Bridge bridge = export(ctx, "late", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_RECEIVE) {
                    taken.countDown();
                    await(gaveUp);
                }
            }

            @Override
            public void replied(int op, int id) {
                if (op == OP_RECEIVE) {
                    replied.countDown();
                }
            }

            @Override
            public void cancelling(int id) {
                await(replied);
            }
        })) {
            MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "late", ConnectOptions.DEFAULTS);
            AtomicReference<Thread> receiver = new AtomicReference<>();
            Future<Integer> receive = callers.submit(() -> {
                receiver.set(Thread.currentThread());
                return remote.receive(new byte[64], 0, 64, new MessageInfo());
            });
            local.send(bytes("late"), 0, 4, 9);
            await(taken);
            receiver.get().interrupt();
            assertFailsWith(IpcError.INTERRUPTED, receive);
            gaveUp.countDown();
            remote.close();

            byte[] buf = new byte[64];
            MessageInfo info = new MessageInfo();
            assertThat(local.receive(buf, 0, buf.length, info, Duration.ofSeconds(10))).as("sent back").isEqualTo(4);
            assertThat(info.priority()).isEqualTo(9);
        }
    }

    @Test
    void anInterruptedReceiveOnARemoteChannelPutsTheMessageBackInItsDirection() throws Exception {
        IpcContext ctx = context();
        ChannelEnd a = ctx.service(ChannelService.class).create("talk", ChannelOptions.defaults().withMode(0666));
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch cancelSeen = new CountDownLatch(1);
        try (Bridge bridge = ctx.service(NetService.class).exportChannel("talk", Endpoint.tcp(0), OPEN)) {
            ((BridgeServer) bridge).hooks(new BridgeHooks() {
                @Override
                public void beforeReply(int op, int id) {
                    if (op == OP_RECEIVE) {
                        taken.countDown();
                        await(cancelSeen);
                    }
                }

                @Override
                public void cancelled(int id) {
                    cancelSeen.countDown();
                }
            });
            try (ChannelEnd remoteA = net().openRemoteChannel(bridge.endpoint(), "talk", ChannelSide.A,
                    ConnectOptions.DEFAULTS); ChannelEnd b = ctx.service(ChannelService.class).open("talk",
                            ChannelSide.B, org.multios.ipc.Rights.READ_WRITE)) {
                AtomicReference<Thread> receiver = new AtomicReference<>();
                Future<Integer> receive = callers.submit(() -> {
                    receiver.set(Thread.currentThread());
                    return remoteA.receive(new byte[64], 0, 64, new MessageInfo());
                });
                b.send(bytes("to-a"), 0, 4, 3);
                await(taken);
                receiver.get().interrupt();

                assertFailsWith(IpcError.INTERRUPTED, receive);
                byte[] buf = new byte[64];
                MessageInfo info = new MessageInfo();
                assertThat(a.tryReceive(buf, 0, buf.length, info)).as("the message is back, to side A").isEqualTo(4);
                assertThat(new String(buf, 0, 4, StandardCharsets.UTF_8)).isEqualTo("to-a");
                assertThat(info.priority()).isEqualTo(3);
            }
        }
    }

    @Test
    void anInterruptedRemoteSendWhoseMessageWasQueuedReportsSuccess() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "outbox");
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch cancelSeen = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "outbox", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_SEND) {
                    queued.countDown();
                    await(cancelSeen);
                }
            }

            @Override
            public void cancelled(int id) {
                cancelSeen.countDown();
            }
        }); MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "outbox", ConnectOptions.DEFAULTS)) {
            AtomicReference<Thread> sender = new AtomicReference<>();
            Future<Boolean> send = callers.submit(() -> {
                sender.set(Thread.currentThread());
                remote.send(bytes("once"), 0, 4, 2);
                return Thread.currentThread().isInterrupted();
            });
            await(queued);
            sender.get().interrupt();

            assertThat(send.get(30, TimeUnit.SECONDS)).as("send returned normally, its interrupt flag kept").isTrue();
            assertThat(local.attributes().currentMessages()).isEqualTo(1);
        }
    }

    @Test
    void aRemoteSendWhoseCancelIsNotSettledReportsOutcomeUnknown() throws Exception {
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "unsure");
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch callerDone = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "unsure", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_SEND) {
                    queued.countDown();
                    await(callerDone);
                }
            }
        }); MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "unsure", ConnectOptions.DEFAULTS)) {
            AtomicReference<Thread> sender = new AtomicReference<>();
            Future<Void> send = callers.submit(() -> {
                sender.set(Thread.currentThread());
                try {
                    remote.send(bytes("maybe"), 0, 5, 2);
                    return null;
                } finally {
                    callerDone.countDown();
                }
            });
            await(queued);
            sender.get().interrupt();

            // Not INTERRUPTED ("nothing queued"): the message is in the queue.
            assertFailsWith(IpcError.OUTCOME_UNKNOWN, send);
            assertThat(local.attributes().currentMessages()).isEqualTo(1);
        }
    }

    @Test
    void aTimedRemoteReceiveIsBoundedByItsTimeoutWhenTheBridgeDoesNotAnswer() throws Exception {
        IpcContext ctx = context();
        queue(ctx, "slow");
        CountDownLatch callerDone = new CountDownLatch(1);
        CountDownLatch cancelCame = new CountDownLatch(1);
        // The bridge holds the RECEIVE, and so answers neither it nor its cancel, until the caller
        // returned: only the caller's own deadline can end its call. A caller that ignored its
        // timeout would never return (the call's bound below fails), and one that gave up without
        // telling the bridge would send no CANCEL.
        try (Bridge bridge = export(ctx, "slow", new BridgeHooks() {
            @Override
            public void beforeOperation(int op, int id) {
                if (op == OP_RECEIVE) {
                    awaitUninterruptibly(callerDone);
                }
            }

            @Override
            public void cancelling(int id) {
                cancelCame.countDown(); // only a request in flight is cancelled: the RECEIVE
            }
        }); MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "slow", ConnectOptions.DEFAULTS)) {
            Future<Integer> receive = callers.submit(() -> {
                try {
                    return remote.receive(new byte[64], 0, 64, new MessageInfo(), Duration.ofMillis(200));
                } finally {
                    callerDone.countDown();
                }
            });
            assertFailsWith(IpcError.TIMEOUT, receive);
            assertThat(cancelCame.await(SAFETY_SECONDS, TimeUnit.SECONDS))
                    .as("the caller's give-up reached the bridge as a CANCEL of its RECEIVE").isTrue();
        }
    }

    @Test
    void byeIsAHalfCloseThePipelinedReceivesBeforeItAreAnsweredAndNoMessageIsLost() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("drain",
                QueueOptions.of(64, 64).withMode(0666));
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            local.send(bytes("m" + i), 0, ("m" + i).length(), i % 4);
            all.add("m" + i);
        }
        CountDownLatch byeSeen = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "drain", new BridgeHooks() {
            @Override
            public void beforeReply(int op, int id) {
                if (op == OP_RECEIVE) {
                    await(byeSeen);
                }
            }

            @Override
            public void peerBye() {
                byeSeen.countDown();
            }
        })) {
            Run script = python.start(bridge, "receive-bye", "drain", "64");
            List<String> received = new ArrayList<>();
            for (String line : readAll(script)) {
                if (line.startsWith("message ")) {
                    received.add(line.split(" ")[2]);
                }
            }
            List<String> left = drain(local);
            assertThat(received).as("no message received twice").doesNotHaveDuplicates();
            List<String> accounted = new ArrayList<>(received);
            accounted.addAll(left);
            assertThat(accounted).as("received %d, left in the queue %d", received.size(), left.size())
                    .containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @Test
    void aRepeatedRequestIdIsNotRunTwice() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = queue(ctx, "once");
        // The script sends SEND id 7 twice, then STATUS, and reads until both ids were answered
        // (so the SEND has run). The first run of id 7 waits until a
        // second one starts: a bridge that drops the repeat never starts it (the wait ends after
        // a bounded time); one that runs it does so at once.
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch secondRun = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "once", new BridgeHooks() {
            @Override
            public void beforeOperation(int op, int id) {
                if (op == OP_SEND && id == 7 && runs.incrementAndGet() == 1) {
                    awaitAtMost(secondRun, 2);
                } else if (op == OP_SEND && id == 7) {
                    secondRun.countDown();
                }
            }
        })) {
            Run script = python.start(bridge, "send-twice", "once", "retry", "4");
            assertThat(readLine(script)).startsWith("replies ");
            assertThat(readLine(script)).startsWith("status ");
            assertThat(runs).as("runs of request id 7").hasValue(1);
            assertThat(drain(local)).containsExactly("retry");
        }
    }

    @Test
    void pipelinedSendsOfOnePriorityArriveInTheirOrder() throws Exception {
        python = new PythonBridgeClient(tempDir, root);
        IpcContext ctx = context();
        MessageQueue local = ctx.service(MessageQueueService.class).create("fifo",
                QueueOptions.of(16, 64).withMode(0666));
        // The script's OPEN is request 1, its SENDs 2 to 61. The first SEND waits until the
        // second starts: with SENDs in one ordered lane that never happens, and it goes on
        // after a bounded wait; with SENDs in parallel the second overtakes it every time.
        CountDownLatch secondStarted = new CountDownLatch(1);
        try (Bridge bridge = export(ctx, "fifo", new BridgeHooks() {
            @Override
            public void beforeOperation(int op, int id) {
                if (op == OP_SEND && id == 3) {
                    secondStarted.countDown();
                } else if (op == OP_SEND && id == 2) {
                    awaitAtMost(secondStarted, 2);
                }
            }
        })) {
            Run script = python.start(bridge, "send-pipelined", "fifo", "60", "5");
            assertThat(readLine(script)).isEqualTo("sent 60");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(drain(local)).containsExactlyElementsOf(expected);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static MessageQueue queue(IpcContext ctx, String name) {
        return ctx.service(MessageQueueService.class).create(name, QueueOptions.of(64, 16).withMode(0666));
    }

    private Bridge export(IpcContext ctx, String name, BridgeHooks hooks) {
        Bridge bridge = ctx.service(NetService.class).exportQueue(name, Endpoint.unix(name + "-bridge"), OPEN);
        ((BridgeServer) bridge).hooks(hooks);
        return bridge;
    }

    private static List<String> drain(MessageQueue queue) {
        List<String> texts = new ArrayList<>();
        byte[] buf = new byte[queue.attributes().maxMessageSize()];
        int n;
        while ((n = queue.tryReceive(buf, 0, buf.length, null)) != MessageQueue.NO_MESSAGE) {
            texts.add(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static void assertFailsWith(IpcError error, Future<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected " + error + ", the call succeeded");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    ipc -> assertThat(ipc.error()).as(ipc.getMessage()).isEqualTo(error));
        }
    }

    /** Waits for the latch in a hook; on the old code the event may never come, so not forever. */
    private static void await(CountDownLatch latch) {
        awaitAtMost(latch, SAFETY_SECONDS);
    }

    /** Waits for an event that must not happen: its absence ends the wait after the bound. */
    private static void awaitAtMost(CountDownLatch latch, long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (latch.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
