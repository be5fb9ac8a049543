package org.multios.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Garbage collection of named segments left by dead processes. The segments are made by a
 * child JVM that exits, so their creator is really dead and no mapping of this JVM exists.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CollectStaleTest extends ShmTestSupport {

    @BeforeEach
    void needProc() {
        assumeTrue(ProcessMaps.isSupported(), "no /proc/self/maps here");
    }

    /** Creates the segments from a child JVM and waits until it has exited. */
    private long createFromChild(String... names) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildProcesses.childClassPath(StaleSegmentCreator.class),
                StaleSegmentCreator.class.getName(), root.toString()));
        command.addAll(List.of(names));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(child.isAlive()).isFalse();
        return child.pid();
    }

    @Test
    void theChildsSegmentsNameItsDeadCreator() throws Exception {
        long pid = createFromChild("orphan-info");
        IpcContext ctx = open();
        ObjectInfo info = ctx.runtime().object(ObjectType.SHARED_MEMORY, "orphan-info").orElseThrow();
        assertThat(info.creator().pid()).isEqualTo(pid);
        assertThat(ProcessLiveness.system().isDead(info.creator().pid(), ProcessLiveness.UNKNOWN_START)).isTrue();
        byte[] marker = new byte[4];
        shm(ctx).open("orphan-info").read(0, marker);
        assertThat(new String(marker, StandardCharsets.US_ASCII)).isEqualTo("left");
    }

    @Test
    void aSegmentOfADeadCreatorThatNobodyMapsIsRemoved() throws Exception {
        assumeTrue(canProveUnmapped(), MAPS_UNREADABLE);
        createFromChild("orphan");
        IpcContext ctx = open();
        assertThat(segmentFile("orphan")).exists();

        List<ObjectInfo> removed = ctx.runtime().collectStale();

        assertThat(removed).extracting(ObjectInfo::displayName).containsExactly("orphan");
        assertThat(segmentFile("orphan")).doesNotExist();
        expectError(org.multios.ipc.IpcError.NOT_FOUND, () -> shm(ctx).open("orphan"));
    }

    @Test
    void aSegmentOfADeadCreatorThatThisJvmMapsIsKept() throws Exception {
        createFromChild("adopted");
        IpcContext ctx = open();
        SharedMemory s = shm(ctx).open("adopted");
        try (Mapping m = s.map(MapAccess.READ_WRITE)) {
            m.putInt(100, 7);
            assertThat(ctx.runtime().collectStale()).extracting(ObjectInfo::displayName).doesNotContain("adopted");
            assertThat(segmentFile("adopted")).exists();
            assertThat(m.getInt(100)).isEqualTo(7);
        }
    }

    @Test
    void segmentsOfALiveCreatorAreKept() {
        IpcContext ctx = open();
        SharedMemory s = shm(ctx).create("alive", 4096, 0600);
        s.close();
        assertThat(ctx.runtime().collectStale()).extracting(ObjectInfo::displayName).doesNotContain("alive");
        assertThat(segmentFile("alive")).exists();
        assertThat(Files.exists(segmentFile("alive"))).isTrue();
    }
}
