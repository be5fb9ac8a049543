package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.posix.Posix;

/**
 * The one rule by which a shared-memory protocol may judge the owner of a word dead and take
 * its place: <b>a live process (or thread) is never judged dead</b>. An owner is dead only when
 * the operating system says so for certain:
 * <ul>
 * <li>{@code kill(id, 0)} fails with ESRCH (no process or thread has that id), or</li>
 * <li>{@code /proc/<id>/stat} could be read and its start time (field 22, clock ticks since
 * boot, the same number in every process of the PID and time namespaces) differs from the one
 * the owner recorded: the id was reused.</li>
 * </ul>
 * Any other answer counts as alive: EPERM (another user's process), an unreadable or hidden
 * {@code /proc} (hidepid, no file descriptors left), an unknown start time. Owners record the
 * namespaces they live in ({@link #namespaces()}: the PID namespace, whose ids they are, and
 * the time namespace, whose boot time their start ticks count from); a process in other
 * namespaces (or one that cannot read its own) never judges an owner dead ({@link #mayJudge}).
 * Ids are thread ids ({@code gettid}) or process ids alike: Linux gives both from one space,
 * and {@code kill} and {@code /proc/<id>} accept either.
 *
 * <p>It lives here, beside {@link Futex} and {@link Posix}, because it needs libc (through JNA)
 * and every mechanism that records owners in mapped files (shared memory, synchronization
 * objects, message rings) builds on this layer. Linux only: elsewhere nobody is ever judged
 * dead (no recovery rather than a wrong one).
 */
public final class ProcessLiveness {
    /**
     * A start tick that is not known: an owner given to {@link #isDead} with it is judged dead
     * only by ESRCH. Start ticks are kept in 32 bits, field 22 modulo 2^32 - 1, plus 1 (497 days
     * at 100 ticks a second), so that an owner word has room for them and a known one is never 0.
     */
    public static final int UNKNOWN_START = 0;
    /** The largest id Linux gives a process or thread ({@code PID_MAX_LIMIT - 1}). */
    public static final int MAX_ID = (1 << 22) - 1;
    /** The id bits of an owner word. */
    public static final int OWNER_ID_MASK = MAX_ID;
    /** The bit of an owner word that marks an owner outside the object's home namespaces. */
    public static final long OWNER_FOREIGN = 1L << 30;
    /** Bits of an owner word that no owner ever sets: a word with any of them names nobody. */
    private static final long OWNER_RESERVED = 0xffL << 22;

    private static final int ESRCH = 3;
    private static final ProcessLiveness SYSTEM = new ProcessLiveness(new LinuxOs());
    /** {@code Thread.isVirtual()} (Java 21 and later), or null where threads are never virtual. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final Os os;
    private final long namespace;
    private volatile int processStartTick;
    private final ThreadLocal<long[]> threadIdentity = ThreadLocal.withInitial(this::readThreadIdentity);

    /** What the rule asks the operating system; tests substitute failures. */
    interface Os {
        /** {@code kill(id, 0)}: 0, or the errno; never throws. */
        int signalZero(int id);

        /** The id of the calling thread (gettid), or -1 where unknown. */
        int currentThreadId();

        /** The text of {@code /proc/<id>/stat}; throws if it cannot be read. */
        String stat(String id) throws IOException;

        /** The text of {@code /proc/<id>/status}; throws if it cannot be read. */
        String status(String id) throws IOException;

        /** See {@link ProcessLiveness#namespaces()}. */
        long namespaces();
    }

    ProcessLiveness(Os os) {
        this.os = os;
        this.namespace = os.namespaces();
    }

    /** The rule as this process's operating system answers it. */
    public static ProcessLiveness system() {
        return SYSTEM;
    }

    /**
     * Whether the owner with id {@code id} that recorded start tick {@code startTick} (or
     * {@link #UNKNOWN_START}) is dead for certain. An id that no Linux process can have (0,
     * negative, above {@link #MAX_ID}) names nobody and is dead. The caller checked
     * {@link #mayJudge} for the namespaces the owner recorded.
     */
    public boolean isDead(long id, int startTick) {
        if (id <= 0 || id > MAX_ID) {
            return true;
        }
        int error = os.signalZero((int) id);
        if (error == ESRCH) {
            return true;
        }
        if (startTick == UNKNOWN_START) {
            return false;
        }
        int now = startTick(Long.toString(id));
        return now != UNKNOWN_START && now != startTick;
    }

    /**
     * Whether this process may judge owners that recorded namespaces {@code ownerNamespace}:
     * only in those very namespaces, and only when it knows its own.
     */
    public boolean mayJudge(long ownerNamespace) {
        return namespace != 0 && ownerNamespace == namespace;
    }

    /**
     * The namespaces an owner word's id and start tick mean something in: the inode of this
     * process's PID namespace ({@code /proc/self/ns/pid}) in the high 32 bits, that of its time
     * namespace ({@code /proc/self/ns/time}, 0 on kernels without them) in the low 32 bits; 0 if
     * the PID namespace cannot be read.
     */
    public long namespaces() {
        return namespace;
    }

    // ------------------------------------------------------------------ owner words

    /**
     * The owner word of the calling thread for an object whose owners live in namespaces
     * {@code home} ({@link #namespaces()}): see {@link #ownerWord(int, int, boolean)}.
     *
     * @throws IpcException UNSUPPORTED for a virtual thread ({@link #isVirtual}), or where the
     *         thread's id or start time cannot be read
     */
    public long currentThreadWord(long home) {
        if (isVirtual(Thread.currentThread())) {
            throw new IpcException(IpcError.UNSUPPORTED, "a virtual thread cannot own shared objects by a word of its"
                    + " own: the operating-system thread that carries it changes and outlives it, so no process could"
                    + " tell whether it lives");
        }
        return ownWord(currentThreadId(), currentThreadStartTick(), home, "thread");
    }

    /**
     * Whether {@code t} is a virtual thread (Java 21 and later). A virtual thread has no
     * operating-system id of its own: the carrier that runs it changes, may run other virtual
     * threads, and may end while it lives, so no owner word can name it.
     */
    public static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException("Thread.isVirtual failed", impossible);
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException olderJava) {
            return null;
        }
    }

    /** The owner word of this process for an object whose owners live in namespaces {@code home}. */
    public long currentProcessWord(long home) {
        return ownWord((int) ProcessHandle.current().pid(), currentProcessStartTick(), home, "process");
    }

    private long ownWord(int id, int startTick, long home, String what) {
        if (id <= 0 || id > MAX_ID || startTick == UNKNOWN_START) {
            throw new IpcException(IpcError.UNSUPPORTED, "this " + what + " cannot own shared objects: its id ("
                    + id + ") or start time (/proc/self) cannot be read, so others could not tell whether it lives");
        }
        return ownerWord(id, startTick, !mayJudge(home));
    }

    /**
     * An owner identity in one 64-bit word, so that it is written, read and compared-and-set
     * whole: the start tick in the high 32 bits, {@link #OWNER_FOREIGN} if the owner is outside
     * the object's home namespaces (then nobody ever judges it dead), the id in the low 22
     * bits ({@link #OWNER_ID_MASK}). Bits 22 to 29 are 0; bit 31 is the caller's (a mutex keeps
     * its waiters bit there). Owners always know their id and start tick, so a word with an id or
     * a start tick of 0, or with any of bits 22 to 29 set, names nobody: no owner wrote it,
     * another process wrote over it, and it is dead.
     */
    public static long ownerWord(int id, int startTick, boolean foreign) {
        return ((long) startTick << 32) | (foreign ? OWNER_FOREIGN : 0) | (id & OWNER_ID_MASK);
    }

    /** The id of an owner word. */
    public static int ownerId(long word) {
        return (int) word & OWNER_ID_MASK;
    }

    /** The start tick of an owner word. */
    public static int ownerStartTick(long word) {
        return (int) (word >>> 32);
    }

    /**
     * Whether the owner of {@code word}, recorded for an object whose owners live in
     * namespaces {@code home}, is dead for certain: this process may judge those namespaces, and
     * the word names nobody (see {@link #ownerWord}), or its owner is not foreign and
     * {@link #isDead} says so.
     */
    public boolean isOwnerDead(long word, long home) {
        if (!mayJudge(home)) {
            return false;
        }
        if ((word & OWNER_RESERVED) != 0 || ownerId(word) == 0 || ownerStartTick(word) == UNKNOWN_START) {
            return true;
        }
        return (word & OWNER_FOREIGN) == 0 && isDead(ownerId(word), ownerStartTick(word));
    }

    /**
     * The process (thread group) of the thread {@code id}, from {@code /proc/<id>/status}; the
     * id itself where that cannot be read.
     */
    public long processOf(int id) {
        try {
            for (String line : os.status(Integer.toString(id)).split("\n")) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // hidden, gone or malformed
        }
        return id;
    }

    /** The OS id of the calling thread (Linux {@code gettid}), or -1 where unknown. */
    public int currentThreadId() {
        return (int) threadIdentity.get()[0];
    }

    /** The start tick of the calling thread, or {@link #UNKNOWN_START} (read again next time). */
    public int currentThreadStartTick() {
        long[] identity = threadIdentity.get();
        if (identity[1] == UNKNOWN_START && identity[0] > 0) {
            identity[1] = startTick("self/task/" + identity[0]);
        }
        return (int) identity[1];
    }

    /** The start tick of this process, or {@link #UNKNOWN_START} (read again next time). */
    public int currentProcessStartTick() {
        int tick = processStartTick;
        if (tick == UNKNOWN_START) {
            tick = startTick("self");
            processStartTick = tick;
        }
        return tick;
    }

    /** The start tick, as owner words keep it, of the process or thread {@code id}, or UNKNOWN_START. */
    public int startTick(long id) {
        return startTick(Long.toString(id));
    }

    /** Field 22 of {@code /proc/<id>/stat} (start, clock ticks since boot) as kept, or UNKNOWN_START. */
    private int startTick(String id) {
        try {
            return (int) (startTickOf(os.stat(id)) % 0xffff_ffffL + 1);
        } catch (IOException | RuntimeException unreadable) {
            return UNKNOWN_START;
        }
    }

    private long[] readThreadIdentity() {
        int tid = os.currentThreadId();
        return new long[] {tid, tid > 0 ? startTick("self/task/" + tid) : UNKNOWN_START};
    }

    /** Field 22 of a stat line; the command (field 2) may hold spaces and parentheses. */
    static long startTickOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long tick = Long.parseLong(fields[19]);
        if (tick < 0) {
            throw new NumberFormatException("negative start tick " + tick);
        }
        return tick;
    }

    /** The answers of Linux, through the C library; elsewhere nothing is known. */
    private static final class LinuxOs implements Os {
        private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase().contains("linux");

        @Override
        public int signalZero(int id) {
            if (!LINUX) {
                return 0;
            }
            return Posix.signalZero(id);
        }

        @Override
        public int currentThreadId() {
            if (!LINUX) {
                return -1;
            }
            return Posix.threadId();
        }

        @Override
        public String stat(String id) throws IOException {
            return Files.readString(Path.of("/proc", id, "stat"), StandardCharsets.US_ASCII);
        }

        @Override
        public String status(String id) throws IOException {
            return Files.readString(Path.of("/proc", id, "status"), StandardCharsets.UTF_8);
        }

        @Override
        public long namespaces() {
            try {
                long pid = inode("pid");
                long time = Files.exists(Path.of("/proc/self/ns/time"), LinkOption.NOFOLLOW_LINKS) ? inode("time") : 0;
                return pid << 32 | time;
            } catch (IOException | RuntimeException unknown) {
                return 0;
            }
        }

        /** The inode of a namespace of this process, from the link {@code /proc/self/ns/<kind>}: 32 bits. */
        private static long inode(String kind) throws IOException {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns", kind)).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']'))) & 0xffff_ffffL;
        }
    }
}
