package org.multios.ipc.channels.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.channels.channel.ChannelMechanism;
import org.multios.ipc.channels.pipe.PipeMechanism;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.RecordingCaller;

/**
 * {@code ipc:gc} for queues, channels and named pipes (issue #24): what a creator that is dead for certain left
 * and nobody maps is removed; what a live process made, what a live process holds, and what holds
 * messages no receiver has taken yet stays. The objects are made, held and drained by child JVMs,
 * so their creator is really dead and a holder really another process. Only the maps of this JVM
 * and its children are consulted (a container's init cannot be read, which would make every
 * object "maybe mapped"), so removal and non-removal can both be shown. This JVM opens none of
 * the objects it expects collected: a closed handle's mapping lasts until the JVM's collector
 * frees it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CollectStaleMessagingTest extends IpcRootSupport {
    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(StaleObjectsChildMain.class);

    /** Where a queue file holds its messages-in counter (QueueDescriptor.MESSAGES_IN). */
    private static final long QUEUE_MESSAGES_IN = 4 * 64;
    /** The queue's counter slots (QueueDescriptor.COUNTERS_OF_HANDLES): four of 320 bytes from 1024. */
    private static final int QUEUE_COUNTER_SLOTS = 1024;
    private static final int QUEUE_COUNTER_SLOTS_END = QUEUE_COUNTER_SLOTS + 4 * 320;

    private final Set<Long> considered = ConcurrentHashMap.newKeySet();
    private MessageQueueMechanism queueMechanism;
    private ChannelMechanism channelMechanism;
    private PipeMechanism pipeMechanism;
    private MessageQueueService queues;
    private ChannelService channels;

    @BeforeEach
    void start() {
        assumeTrue(ProcessMaps.isSupported(), "no /proc/self/maps here");
        IpcEnvironment environment = new IpcEnvironment(root, IpcLimits.defaults());
        considered.add(ProcessHandle.current().pid());
        queueMechanism = new MessageQueueMechanism(environment, tempDir.resolve("durable"));
        channelMechanism = new ChannelMechanism(environment);
        pipeMechanism = new PipeMechanism(environment);
        pipeMechanism.processes(ProcessMaps.considering(considered::contains));
        queueMechanism.maps(ProcessMaps.considering(considered::contains));
        channelMechanism.maps(ProcessMaps.considering(considered::contains));
        queues = queueMechanism.bind(RecordingCaller.osUser(1));
        channels = channelMechanism.bind(RecordingCaller.osUser(1));
    }

    @AfterEach
    void stop() throws InterruptedException {
        children.destroyAll();
        if (queueMechanism != null) {
            queueMechanism.close();
            channelMechanism.close();
            pipeMechanism.close();
        }
    }

    /** Runs a child JVM with the given actions to its end; returns its pid. */
    private long runChild(String... actions) throws Exception {
        Process child = children.startJava("child", root, tempDir.resolve("child-" + System.nanoTime() + ".log"),
                actions);
        considered.add(child.pid());
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        return child.pid();
    }

    /** Starts a child JVM that holds the objects open until it is destroyed. */
    private Process holder(String... actions) throws Exception {
        Process child = children.startJava("holder", root, tempDir.resolve("holder.log"), actions);
        considered.add(child.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!children.output(child).contains("holding")) {
            assertThat(child.isAlive()).as(children.output(child)).isTrue();
            assertThat(System.nanoTime()).as("the holder opens its objects").isLessThan(deadline);
            Thread.sleep(20);
        }
        return child;
    }

    private List<String> collect() {
        List<ObjectInfo> removed = new ArrayList<>(queueMechanism.collectStale());
        removed.addAll(channelMechanism.collectStale());
        removed.addAll(pipeMechanism.collectStale());
        return removed.stream().map(ObjectInfo::displayName).toList();
    }

    @Test
    void queuesAndChannelsOfADeadCreatorThatNobodyMapsAreRemoved() throws Exception {
        long pid = runChild("create:queue:left", "create:channel:left-channel", "create:pipe:left-pipe");
        ObjectInfo listed = queueMechanism.objects().stream().filter(o -> o.displayName().equals("left"))
                .findFirst().orElseThrow();
        assertThat(listed.creator().kind()).isEqualTo(ProcessKind.OS_PROCESS);
        assertThat(listed.creator().pid()).isEqualTo(pid);

        ObjectInfo pipe = pipeMechanism.objects().stream().filter(o -> o.displayName().equals("left-pipe"))
                .findFirst().orElseThrow();
        assertThat(pipe.creator().pid()).as("a FIFO's creator, from its owner record").isEqualTo(pid);

        assertThat(collect()).containsExactlyInAnyOrder("left", "left-channel", "left-pipe");

        assertThat(root.resolve("queue/left")).doesNotExist();
        assertThat(root.resolve("channel/left-channel")).doesNotExist();
        failsWith(IpcError.NOT_FOUND, () -> queues.open("left"));
        failsWith(IpcError.NOT_FOUND, () -> channels.open("left-channel", ChannelSide.A));
        assertThat(root.resolve(".owners/queue")).as("the owner records go with the files").isEmptyDirectory();
        assertThat(root.resolve(".owners/channel")).isEmptyDirectory();
        assertThat(root.resolve("pipe/left-pipe")).doesNotExist();
        assertThat(root.resolve(".owners/pipe")).isEmptyDirectory();
        assertThat(collect()).as("nothing more to collect").isEmpty();
    }

    @Test
    void queuesAndChannelsWithMessagesWaitingAreKeptUntilTheyAreTaken() throws Exception {
        runChild("fill:queue:full-queue", "fill:channel:full-channel");

        assertThat(collect()).isEmpty();
        assertThat(root.resolve("queue/full-queue")).exists();
        assertThat(root.resolve("channel/full-channel")).exists();

        runChild("drain:queue:full-queue", "drain:channel:full-channel");
        assertThat(collect()).containsExactlyInAnyOrder("full-queue", "full-channel");
    }

    @Test
    void queuesAndChannelsThatALiveProcessHoldsAreKept() throws Exception {
        runChild("create:queue:held", "create:channel:held-channel", "create:pipe:held-pipe");
        Process holder = holder("hold:queue:held", "hold:channel:held-channel", "hold:pipe:held-pipe");

        assertThat(collect()).isEmpty();
        assertThat(root.resolve("queue/held")).exists();
        assertThat(root.resolve("channel/held-channel")).exists();
        assertThat(root.resolve("pipe/held-pipe")).exists();

        holder.destroyForcibly();
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(collect()).as("collected once its last holder is gone")
                .containsExactlyInAnyOrder("held", "held-channel", "held-pipe");
    }

    @Test
    void aQueueThatAProcessHasOpenButNotMappedYetIsKept() throws Exception {
        runChild("create:queue:opening");
        // what an opener holds between open() and its mapping: the file's descriptor, no mapping
        try (FileChannel opening = FileChannel.open(root.resolve("queue/opening"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertThat(collect()).isEmpty();
            assertThat(root.resolve("queue/opening")).exists();
        }
        assertThat(collect()).as("collected once its descriptor is closed").containsExactly("opening");
    }

    /**
     * A sender killed after it published a message but before it counted it leaves the message on
     * the ring and the counters short: the queue (with priorities, or of a lane) is kept for the
     * ring's message, and collected once it is taken.
     */
    @ParameterizedTest
    @ValueSource(strings = { "queue", "lanequeue" })
    void aQueueWhoseMessageWasNotCountedYetIsKept(String kind) throws Exception {
        runChild("fill:" + kind + ":uncounted");
        // the counts (the shared messages in, the handles' counter slots) as the killed sender left them
        try (FileChannel file = FileChannel.open(root.resolve("queue/uncounted"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(0, 0), QUEUE_MESSAGES_IN);
            file.write(ByteBuffer.allocate(QUEUE_COUNTER_SLOTS_END - QUEUE_COUNTER_SLOTS), QUEUE_COUNTER_SLOTS);
        }

        assertThat(collect()).isEmpty();
        assertThat(root.resolve("queue/uncounted")).exists();

        runChild("drain:" + kind + ":uncounted");
        assertThat(collect()).containsExactly("uncounted");
    }

    @Test
    void objectsOfALiveCreatorAreKept() {
        queues.create("mine", QueueOptions.of(64, 4)).close();
        channels.create("my-channel", ChannelOptions.ofBufferSize(4096)).close();
        pipeMechanism.bind(RecordingCaller.osUser(1)).createNamed("my-pipe", 0600);

        assertThat(collect()).isEmpty();
        assertThat(root.resolve("queue/mine")).exists();
        assertThat(root.resolve("channel/my-channel")).exists();
        assertThat(root.resolve("pipe/my-pipe")).exists();
    }
}
