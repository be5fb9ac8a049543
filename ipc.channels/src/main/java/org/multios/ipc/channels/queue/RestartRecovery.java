package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.QueueDescriptor.BOOT_ID;
import static org.multios.ipc.channels.queue.QueueDescriptor.HANDLES;
import static org.multios.ipc.channels.queue.QueueDescriptor.LISTENER_OWNER;
import static org.multios.ipc.channels.queue.QueueDescriptor.RING_OFFSET;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.posix.Posix;
import org.multios.ipc.core.mapped.ProcessLiveness;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Recovery of a durable queue opened for the first time after the machine restarted. Its file
 * outlives every process that used it, but the owner words in its ring name processes by pid and
 * start tick of their boot, and their namespaces: after a reboot a new process may have the same
 * pid and start tick (an owned slot would then never be recovered), or the ring's home namespaces
 * may be gone (nobody would ever be judged dead). So the queue's header records the boot id
 * ({@value #BOOT_ID_FILE}) of the boot whose processes use it; an opener in another boot takes an
 * exclusive {@code flock} on the file, and, if the boot id still differs, re-homes the ring to its
 * own namespaces, recovers every owned slot (all their owners are of the earlier boot: dead),
 * clears the listener and the handle count, stamps its boot id and flushes; then unlocks. Openers
 * of the same boot see their boot id and attach at once; one that finds a recovery under way waits
 * for the lock (the kernel drops it if the recoverer dies, and the next opener starts again).
 */
final class RestartRecovery {
    /** Where Linux gives the id of this boot. */
    static final String BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id";
    /** Longest wait for another opener's recovery. */
    static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int EWOULDBLOCK = 11;

    private interface LibC extends Library {
        int flock(int fd, int operation);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private RestartRecovery() {
    }

    /** This boot's id as two longs, or null where Linux does not give it (no recovery then). */
    static long[] bootId() {
        try {
            UUID id = UUID.fromString(Files.readString(Path.of(BOOT_ID_FILE)).trim());
            return new long[] { id.getMostSignificantBits(), id.getLeastSignificantBits() };
        } catch (IOException | IllegalArgumentException unknown) {
            return null;
        }
    }

    /** Records this boot in a new durable queue's header. */
    static void stamp(MappedRegion region) {
        long[] boot = bootId();
        if (boot != null) {
            region.putLong(BOOT_ID, boot[0]);
            region.putLong(BOOT_ID + 8, boot[1]);
        }
    }

    private static boolean ofThisBoot(MappedRegion region, long[] boot) {
        return region.getLongVolatile(BOOT_ID) == boot[0] && region.getLongVolatile(BOOT_ID + 8) == boot[1];
    }

    /**
     * Recovers the queue whose file {@code path} names and {@code file} maps if it was last used in
     * another boot.
     *
     * @return whether it recovered (the caller attaches again: the ring's home changed)
     * @throws IpcException BUSY if another opener's recovery held the lock for
     *                      {@link #LOCK_WAIT_NANOS}; IO_ERROR if the file cannot be locked or flushed
     */
    static boolean recoverIfRestarted(Path path, QueueFile file) {
        long[] boot = bootId();
        MappedRegion region = file.region();
        if (boot == null || ofThisBoot(region, boot)) {
            return false;
        }
        String what = file.displayName();
        int fd = Posix.openNoFollow(path, false);
        if (fd < 0) {
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot open " + path + " to recover it after a restart: "
                    + Posix.strerror(-fd));
        }
        try {
            long inode = ((Number) Files.getAttribute(Path.of("/proc/self/fd", Integer.toString(fd)), "unix:ino"))
                    .longValue();
            if (inode != file.id()) {
                throw new IpcException(IpcError.BUSY, what + " was re-created while being opened after a restart");
            }
            lock(fd, what);
            if (ofThisBoot(region, boot)) {
                return false; // recovered by another opener meanwhile
            }
            region.putLong(RING_OFFSET + PriorityRingDescriptor.HOME_NAMESPACE_OFFSET,
                    ProcessLiveness.system().namespaces());
            PriorityRing ring = (PriorityRing) file.ring(); // a durable queue is never a lane (QueueFile.of)
            ring.recoverAfterRestart();
            region.putLongVolatile(LISTENER_OWNER, 0);
            region.putLongVolatile(HANDLES, 0);
            region.putLong(BOOT_ID, boot[0]);
            region.putLongVolatile(BOOT_ID + 8, boot[1]);
            DurabilityPolicy.flush(region, what);
            return true;
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot read " + path + ": " + e, e);
        } finally {
            Holder.LIBC.flock(fd, LOCK_UN);
            Posix.close(fd);
        }
    }

    private static void lock(int fd, String what) {
        long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
        while (Holder.LIBC.flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int errno = Native.getLastError();
            if (errno != EWOULDBLOCK) {
                throw new IpcException(IpcError.IO_ERROR, what + ": cannot lock its file to recover it after a"
                        + " restart: " + Posix.strerror(errno));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IpcException(IpcError.BUSY, what + ": another process has been recovering it after a"
                        + " restart for " + TimeUnit.NANOSECONDS.toSeconds(LOCK_WAIT_NANOS) + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
