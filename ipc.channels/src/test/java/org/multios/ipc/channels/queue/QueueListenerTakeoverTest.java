package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * Issue #21, item 2, the queue's part: the listener registration of a live process is never
 * taken over; that of a process whose pid was reused is; that of another PID namespace never
 * is. The registered process here is a real child process, written into the listener word as
 * it would write itself.
 */
@Timeout(60)
class QueueListenerTakeoverTest extends QueueTestSupport {
    private Process child;
    private int childPid;
    private int childTick;

    @BeforeEach
    void startChild() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "Linux /proc and kill");
        child = new ProcessBuilder("sleep", "60").start();
        childPid = (int) child.pid();
        childTick = ProcessLiveness.system().startTick(childPid);
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLiveProcesssRegistrationIsKept() throws Exception {
        MessageQueue q = queueListenedBy("live", ProcessLiveness.ownerWord(childPid, childTick, false));
        failsWith(IpcError.BUSY, () -> q.register(queue -> { }));
    }

    @Test
    void aReusedPidsRegistrationIsTakenOver() throws Exception {
        MessageQueue q = queueListenedBy("reused", ProcessLiveness.ownerWord(childPid, childTick + 1, false));
        try (QueueRegistration r = q.register(queue -> { })) {
            assertThat(r.isActive()).isTrue();
        }
    }

    @Test
    void aRegistrationOfAnotherNamespaceIsKept() throws Exception {
        MessageQueue q = queueListenedBy("foreign", ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, true));
        failsWith(IpcError.BUSY, () -> q.register(queue -> { }));
    }

    private MessageQueue queueListenedBy(String name, long listener) throws Exception {
        MessageQueue q = queues().create(name, QueueOptions.of(8, 4));
        try (FileChannel file = FileChannel.open(root.resolve("queue").resolve(name), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer page = file.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
            page.order(ByteOrder.nativeOrder());
            page.putLong(QueueDescriptor.LISTENER_OWNER, listener);
            page.force();
        }
        return q;
    }
}
