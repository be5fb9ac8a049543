package org.multios.ipc.core.mapped;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Which processes map a file, read from {@code /proc/<pid>/maps} (Linux). A mapping is matched by
 * the file's device and inode (the maps line's {@code major:minor} and inode fields), not by its
 * path, so a file reached through a symbolic link (an IPC root under {@code /dev/shm ->
 * /run/shm}) or renamed is still recognized. A process whose maps this process may not read
 * (another user's, an undumpable one, no file descriptor left) is not seen, so a caller that
 * collects unused files asks {@link #mayMap}, which counts "unknown" as "in use", and only where
 * {@link #supported()}: not where {@code /proc} hides other users' processes. Processes of other
 * PID namespaces are never seen. A file nobody maps but processes hold open (a FIFO, which cannot
 * be mapped) is found the same way among their open descriptors ({@code /proc/<pid>/fd}):
 * {@link #mayHoldOpen}.
 */
public final class ProcessMaps {
    private static final ProcessMaps SYSTEM = new ProcessMaps(Path.of("/proc"), pid -> true, pid -> false);

    private final Path proc;
    private final LongPredicate considered;
    private final LongPredicate refused;

    /**
     * @param refused the processes treated as if their maps and descriptors could not be read (tests)
     */
    ProcessMaps(Path proc, LongPredicate considered, LongPredicate refused) {
        this.proc = proc;
        this.considered = considered;
        this.refused = refused;
    }

    /** The maps of every process of this PID namespace. */
    public static ProcessMaps system() {
        return SYSTEM;
    }

    /**
     * The maps of only the processes whose ids pass {@code pids}: for tests, which cannot read
     * the maps of every process of their machine (a container's init), and must still tell removal
     * from non-removal.
     */
    public static ProcessMaps considering(LongPredicate pids) {
        return new ProcessMaps(SYSTEM.proc, pids, pid -> false);
    }

    /**
     * {@link #considering} these processes, as if the maps and descriptors of those that pass
     * {@code unreadable} could not be read (tests of what a collection keeps for want of them).
     */
    public static ProcessMaps considering(LongPredicate pids, LongPredicate unreadable) {
        return new ProcessMaps(SYSTEM.proc, pids, unreadable);
    }

    /** {@link #supported()} of {@link #system()}. */
    public static boolean isSupported() {
        return SYSTEM.supported();
    }

    /** The pids of the processes, readable by this one, that map the file now (none if it is gone). */
    public static Set<Long> mappers(Path file) {
        long[] id = identity(file);
        Set<Long> pids = new TreeSet<>();
        if (id != null) {
            ProcessTest maps = mapsTest(id[0], id[1]);
            SYSTEM.eachProcess(dir -> {
                if (maps.test(dir)) {
                    pids.add(Long.parseLong(dir.getFileName().toString()));
                }
                return false;
            });
        }
        return pids;
    }

    /** {@link #mayMap} of {@link #system()} for the file the path leads to now (true if it cannot be read). */
    public static boolean mayBeMapped(Path file) {
        long[] id = identity(file);
        return id == null || SYSTEM.mayMap(id[0], id[1]);
    }

    /**
     * Whether this system has {@code /proc/self/maps} and shows every process of this PID
     * namespace in {@code /proc} (no {@code hidepid} mount option).
     */
    public boolean supported() {
        return Files.isReadable(proc.resolve("self/maps")) && !hidesProcesses();
    }

    /**
     * Whether some process may map the file of this device ({@code st_dev}) and inode now: one
     * whose maps lists it, or one whose maps could not be read for any reason but its having
     * ended, or {@code /proc} could not be listed.
     */
    public boolean mayMap(long device, long inode) {
        return mappers(device, inode).mayHold();
    }

    /**
     * Whether some process may hold the file of this device and inode open now: one with a
     * descriptor of it ({@code /proc/<pid>/fd}, each followed to its file), or one whose
     * descriptors could not be read for any reason but its having ended, or {@code /proc} could
     * not be listed.
     */
    public boolean mayHoldOpen(long device, long inode) {
        return openers(device, inode).mayHold();
    }

    /**
     * Who may hold a file: a process seen holding it (at most one: one is enough), else those that
     * could not be read (which might), and whether {@code /proc} itself could not be listed (then
     * anyone might).
     */
    record Holders(Set<Long> seen, Set<Long> unread, boolean blind) {
        boolean mayHold() {
            return blind || !seen.isEmpty() || !unread.isEmpty();
        }

        /** Both together: a process seen by either is seen. */
        Holders and(Holders other) {
            Set<Long> s = new TreeSet<>(seen);
            s.addAll(other.seen);
            Set<Long> u = new TreeSet<>(unread);
            u.addAll(other.unread);
            u.removeAll(s);
            return new Holders(s, u, blind || other.blind);
        }
    }

    /** A process whose maps lists the file of this device and inode, else those that could not be read. */
    Holders mappers(long device, long inode) {
        return eachProcess(mapsTest(device, inode));
    }

    /** Whether a process's maps lists the file of this device and inode. */
    private static ProcessTest mapsTest(long device, long inode) {
        // the kernel's maps shows MAJOR:MINOR in hex; st_dev is glibc's encoding of both
        String dev = String.format("%02x:%02x", ((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL),
                (device & 0xff) | ((device >>> 12) & ~0xffL));
        String ino = Long.toUnsignedString(inode);
        return dir -> {
            try {
                return maps(dir.resolve("maps"), dev, ino);
            } catch (NoSuchFileException ended) {
                return false; // the process ended: it maps nothing
            }
        };
    }

    /** A process with a descriptor of the file of this device and inode, else those that could not be read. */
    Holders openers(long device, long inode) {
        return eachProcess(dir -> {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
                for (Path fd : fds) {
                    try {
                        Map<String, Object> a = Files.readAttributes(fd, "unix:dev,ino");
                        if (((Number) a.get("dev")).longValue() == device && ((Number) a.get("ino")).longValue() == inode) {
                            return true;
                        }
                    } catch (NoSuchFileException closed) {
                        // closed meanwhile, or a descriptor of a deleted file: not this one
                    }
                }
                return false;
            } catch (NoSuchFileException ended) {
                return false;
            }
        });
    }

    /**
     * The command of a process ({@code /proc/<pid>/comm}, which every user may read), or "" if
     * it cannot be read.
     */
    public String command(long pid) {
        try {
            return Files.readString(proc.resolve(Long.toString(pid)).resolve("comm"), ISO_8859_1).strip();
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
    }

    /** A test on one process's directory under {@code /proc}. */
    @FunctionalInterface
    private interface ProcessTest {
        boolean test(Path processDirectory) throws IOException;
    }

    /**
     * The first considered process for which the test holds, else none and every one that could
     * not be read (a process seen holding the file is reason enough, the unread ones are named
     * only when they are the reason).
     */
    private Holders eachProcess(ProcessTest test) {
        Set<Long> unread = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, ProcessMaps::isPidDirectory)) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (!considered.test(pid)) {
                    continue;
                }
                try {
                    if (refused.test(pid)) {
                        throw new AccessDeniedException(dir.toString());
                    }
                    if (test.test(dir)) {
                        return new Holders(Set.of(pid), unread, false);
                    }
                } catch (IOException | DirectoryIteratorException | SecurityException | UnsupportedOperationException
                        unreadable) {
                    unread.add(pid);
                }
            }
        } catch (IOException | DirectoryIteratorException | SecurityException e) {
            return new Holders(Set.of(), unread, true);
        }
        return new Holders(Set.of(), unread, false);
    }

    /** Device ({@code st_dev}) and inode of the file the path leads to, or null if it cannot be read. */
    private static long[] identity(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
            return new long[] { ((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue() };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isPidDirectory(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.length() < 19 && name.chars().allMatch(Character::isDigit);
    }

    /** Whether a maps file has a line {@code range perms offset dev inode ...} with this dev and inode. */
    private static boolean maps(Path maps, String dev, String ino) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(maps, ISO_8859_1)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(" +", 6);
                if (f.length >= 5 && f[3].equals(dev) && f[4].equals(ino)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code /proc} is mounted with a {@code hidepid} option other than 0 (or cannot be told). */
    private boolean hidesProcesses() {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String[] mount = halves[0].split(" ");
                if (halves.length == 2 && mount.length > 4 && mount[4].equals("/proc")
                        && halves[1].startsWith("proc ")) {
                    return halves[1].matches(".*[ ,]hidepid=(?!0\\b|off\\b).*");
                }
            }
            return false;
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
    }
}
