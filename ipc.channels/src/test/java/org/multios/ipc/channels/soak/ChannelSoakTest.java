package org.multios.ipc.channels.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;

/**
 * Soak of a named bidirectional channel (issue #10, load): producers and consumers on both ends
 * at once, each on a handle of its own, in several IPC processes of this JVM and in child JVMs,
 * for {@code ipc.soak.seconds} (default {@value MessagingSoakSupport#DEFAULT_SECONDS} s). As the
 * channel package documents: what is sent through one end is received at the other, every
 * message exactly once by one of the receivers of that end, highest priority first and in the
 * order accepted within a priority. The test asserts exactly that for every message (CRC32,
 * producer, sequence, priority, sender pid and the end it was meant for), over an 8 KiB buffer
 * per direction that keeps both sides blocking. Prints one {@code SOAK ...} summary line per
 * test.
 */
@Tag("soak")
@Timeout(180)
class ChannelSoakTest extends MessagingSoakSupport {
    private static final ChannelOptions OPTIONS = new ChannelOptions(8 * 1024, ChannelOptions.NO_MESSAGE_LIMIT,
            SoakMessages.MAX_LENGTH, 0600);

    @Test
    void channelThreadsInOneJvm() throws Exception {
        soak("channel-threads", 2, 0);
    }

    @Test
    void channelThreadsAndChildJvms() throws Exception {
        soak("channel-processes", 1, 3);
    }

    /**
     * {@code contextsPerEnd} IPC processes of this JVM on each end, and {@code childJvms} child
     * JVMs alternately on A and B; each with two producers and two consumers.
     */
    private void soak(String scenario, int contextsPerEnd, int childJvms) throws Exception {
        String name = "soak-" + scenario;
        IpcContext first = context();
        ChannelEnd created = first.service(ChannelService.class).create(name, OPTIONS);
        Run run = new Run();
        List<ChannelEnd> handles = new ArrayList<>();
        int producer = 0;
        for (ChannelSide side : ChannelSide.values()) {
            byte sendRoute = side == ChannelSide.A ? SoakMessages.ROUTE_TO_B : SoakMessages.ROUTE_TO_A;
            byte receiveRoute = side == ChannelSide.A ? SoakMessages.ROUTE_TO_A : SoakMessages.ROUTE_TO_B;
            for (int c = 0; c < contextsPerEnd; c++) {
                ChannelService channels = (side == ChannelSide.A && c == 0 ? first : context())
                        .service(ChannelService.class);
                List<ChannelEnd> mine = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    mine.add(channels.open(name, side));
                }
                handles.addAll(mine);
                run.produce(mine.get(0), producer++, sendRoute);
                run.produce(mine.get(1), producer++, sendRoute);
                run.consume(mine.get(2), receiveRoute);
                run.consume(mine.get(3), receiveRoute);
            }
        }
        int[] consumersOn = new int[2];
        consumersOn[0] = 2 * contextsPerEnd;
        consumersOn[1] = 2 * contextsPerEnd;
        for (int j = 0; j < childJvms; j++) {
            ChannelSide side = j % 2 == 0 ? ChannelSide.A : ChannelSide.B;
            run.child(1000 * (j + 1), 2, 2, "channel", name, side.name());
            consumersOn[side.ordinal()] += 2;
        }
        ChannelEnd stopperB = context().service(ChannelService.class).open(name, ChannelSide.B);
        handles.add(stopperB);
        SoakLedger all = run.finish(r -> {
            SoakWorkers.stop(created, SoakMessages.ROUTE_TO_B, consumersOn[ChannelSide.B.ordinal()]);
            SoakWorkers.stop(stopperB, SoakMessages.ROUTE_TO_A, consumersOn[ChannelSide.A.ordinal()]);
        });
        assertPerfectAndReport(scenario, run, all);
        byte[] buf = new byte[SoakMessages.MAX_LENGTH];
        assertThat(created.tryReceive(buf, 0, buf.length, null)).as("nothing left for A").isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(stopperB.tryReceive(buf, 0, buf.length, null)).as("nothing left for B").isEqualTo(MessagePort.NO_MESSAGE);
        for (ChannelEnd h : handles) {
            h.close();
        }
        created.close();
    }
}
