package org.multios.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.mapped.ProcessMaps;
import org.multios.ipc.spi.OtherOsUser;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #26, item 3: {@code collectStale} removes only what it proved unused at the moment of
 * removal. Only this JVM's maps are consulted (a container's init cannot be read, which would make
 * every segment "maybe mapped"), so removal and non-removal can both be shown. A segment is made
 * stale by writing a dead process as its creator.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CollectStaleWindowTest {
    @TempDir
    Path tmp;

    private SharedMemoryMechanism mechanism;
    private SharedMemoryService shm;
    private Path root;

    private void start(Path ipcRoot) {
        assumeTrue(ProcessMaps.isSupported(), "no /proc/self/maps here");
        root = ipcRoot;
        mechanism = new SharedMemoryMechanism(new IpcEnvironment(ipcRoot, IpcLimits.defaults()));
        long self = ProcessHandle.current().pid();
        mechanism.maps(ProcessMaps.considering(pid -> pid == self));
        shm = mechanism.bind(RecordingCaller.osUser(1));
    }

    @AfterEach
    void stop() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    private Path file(String name) {
        return root.resolve("shm").resolve(name);
    }

    /**
     * A segment whose recorded creator is a process that has ended: written into its owner
     * record ({@code <root>/.owners/shm/<inode>}), which collection believes, and into its file.
     */
    private void stale(String name) throws Exception {
        shm.create(name, 4096, 0600).close();
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(20, TimeUnit.SECONDS)).isTrue();
        ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .putLong(0, ProcessLiveness.ownerWord((int) gone.pid(), 1, false));
        Path record = root.resolve(".owners").resolve("shm").resolve(Long.toString(inode(name)));
        for (Path f : new Path[] { file(name), record }) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(word.clear(), SegmentDescriptor.CREATOR_OFFSET);
            }
        }
    }

    private long inode(String name) throws Exception {
        return ((Number) Files.getAttribute(file(name), "unix:ino")).longValue();
    }

    private boolean leftAside() throws Exception {
        try (Stream<Path> files = Files.list(root.resolve("shm"))) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(".gc."));
        }
    }

    @Test
    void aStaleSegmentNobodyMapsIsRemoved() throws Exception {
        start(tmp.resolve("ipc"));
        stale("orphan");

        assertThat(mechanism.collectStale()).extracting(ObjectInfo::displayName).containsExactly("orphan");
        assertThat(file("orphan")).doesNotExist();
        assertThat(leftAside()).isFalse();
    }

    /**
     * A process whose maps cannot be read (a container's init, another user's process) might map
     * any segment: a stale segment is kept while it lives, and the collection says so, naming it
     * with its command. Before, the collection returned nothing and {@code ipc:gc} gave no reason.
     */
    @Test
    void aStaleSegmentKeptForAnUnreadableProcessIsReportedWithThatProcess() throws Exception {
        start(tmp.resolve("ipc"));
        stale("orphan");
        long self = ProcessHandle.current().pid();
        mechanism.maps(ProcessMaps.considering(pid -> pid == self, pid -> pid == self));

        StaleCollection c = mechanism.collectStaleObjects();

        assertThat(c.removed()).isEmpty();
        assertThat(c.kept()).extracting(ObjectInfo::displayName).containsExactly("orphan");
        assertThat(c.unreadable()).extracting(StaleCollection.UnreadableProcess::pid).containsExactly(self);
        assertThat(c.unreadable().get(0).command()).as("from /proc/<pid>/comm").isNotEmpty();
        assertThat(file("orphan")).exists();

        mechanism.maps(ProcessMaps.considering(pid -> pid == self));
        StaleCollection readable = mechanism.collectStaleObjects();
        assertThat(readable.removed()).extracting(ObjectInfo::displayName).containsExactly("orphan");
        assertThat(readable.kept()).isEmpty();
        assertThat(readable.unreadable()).isEmpty();
    }

    /** A segment a readable process maps is kept for that reason, not reported as kept for an unreadable one. */
    @Test
    void aStaleSegmentAReadableProcessMapsIsNotReportedAsKeptForAnUnreadableOne() throws Exception {
        start(tmp.resolve("ipc"));
        stale("mapped");
        long self = ProcessHandle.current().pid();
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        mechanism.maps(ProcessMaps.considering(pid -> pid == self || pid == parent, pid -> pid == parent));
        try (Mapping m = shm.open("mapped").map(MapAccess.READ_WRITE)) {
            StaleCollection c = mechanism.collectStaleObjects();

            assertThat(c.removed()).isEmpty();
            assertThat(c.kept()).isEmpty();
            assertThat(file("mapped")).exists();
        }
    }

    @Test
    void aNameUnlinkedAndRecreatedLiveBetweenJudgementAndRemovalIsKept() throws Exception {
        start(tmp.resolve("ipc"));
        stale("reused");
        SharedMemory[] live = new SharedMemory[1];
        mechanism.hook(step -> {
            if (step == SharedMemoryMechanism.STEP_JUDGED && live[0] == null) {
                shm.unlink("reused");
                live[0] = shm.create("reused", 4096, 0600);
                live[0].write(0, new byte[] { 42 });
            }
        });

        mechanism.collectStale();

        assertThat(live[0]).as("the hook ran: the segment was judged stale").isNotNull();
        assertThat(file("reused")).as("the live segment keeps its name").exists();
        byte[] read = new byte[1];
        shm.open("reused").read(0, read);
        assertThat(read[0]).isEqualTo((byte) 42);
        assertThat(leftAside()).isFalse();
    }

    /**
     * Issue #16 item 3: a group member of a 0660 segment (another OS user, writing through
     * python) puts a dead process into its header as the creator. Before, collection believed
     * the header and deleted the live creator's segment; it reads the creator from the owner
     * record, which the member cannot write.
     */
    @Test
    void aSegmentWhoseHeaderAGroupMemberRewroteToADeadCreatorIsKept() throws Exception {
        OtherOsUser.require();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        start(tmp.resolve("ipc"));
        stale("dead");
        shm.create("victim", 4096, 0660).close();
        Files.setAttribute(file("victim"), "posix:group", // shared with the group by its administrator
                file("victim").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(
                        OtherOsUser.GROUP));
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(20, TimeUnit.SECONDS)).isTrue();
        byte[] deadCreator = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .putLong(0, ProcessLiveness.ownerWord((int) gone.pid(), 1, false)).array();
        assertThat(OtherOsUser.write(file("victim"), SegmentDescriptor.CREATOR_OFFSET, deadCreator))
                .as("the member may write the segment").isZero();

        assertThat(mechanism.collectStale()).extracting(ObjectInfo::displayName).containsExactly("dead");

        assertThat(file("victim")).exists();
    }

    @Test
    void aSegmentUnderASymbolicallyLinkedDirectoryThatThisJvmMapsIsKept() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("run-shm"));
        Path link = Files.createSymbolicLink(tmp.resolve("dev-shm"), real);
        start(link.resolve("ipc"));
        stale("mapped");
        try (Mapping m = shm.open("mapped").map(MapAccess.READ_WRITE)) {
            m.putInt(100, 7);

            assertThat(mechanism.collectStale()).extracting(ObjectInfo::displayName).doesNotContain("mapped");

            assertThat(file("mapped")).exists();
            assertThat(m.getInt(100)).isEqualTo(7);
        }
    }

    @Test
    void leftoversOfAnInterruptedCollectionAreRemovedIfStaleAndRestoredIfNot() throws Exception {
        start(tmp.resolve("ipc"));
        stale("dead");
        SharedMemory alive = shm.create("alive", 4096, 0600);
        long aliveInode = inode("alive");
        Files.move(file("dead"), file(".gc.dead.x1"));
        Files.move(file("alive"), file(".gc.alive.x2"));

        assertThat(mechanism.collectStale()).extracting(ObjectInfo::displayName).containsExactly("dead");

        assertThat(file("dead")).doesNotExist();
        assertThat(inode("alive")).as("put back under its name").isEqualTo(aliveInode);
        assertThat(leftAside()).isFalse();
        alive.close();
    }
}
