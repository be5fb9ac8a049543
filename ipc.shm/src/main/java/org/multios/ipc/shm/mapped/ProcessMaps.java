package org.multios.ipc.shm.mapped;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which processes map a file, read from {@code /proc/<pid>/maps} (Linux). A process whose maps
 * this process may not read (another user's, no file descriptor left) is not seen, so a caller
 * that collects unused files asks {@link #mayBeMapped}, which counts "unknown" as "in use", and
 * only where {@link #isSupported()}: not where {@code /proc} hides other users' processes.
 * Processes of other PID namespaces are never seen.
 */
@ProviderType
public final class ProcessMaps {
    private static final Path PROC = Path.of("/proc");
    /** The encoding of file names on this system, as the JDK found it. */
    private static final Charset NATIVE = nativeEncoding();

    private ProcessMaps() {
    }

    /**
     * Whether this system has {@code /proc/self/maps} and shows every process of this PID
     * namespace in {@code /proc} (no {@code hidepid} mount option).
     */
    public static boolean isSupported() {
        return Files.isReadable(PROC.resolve("self/maps")) && !hidesProcesses();
    }

    /** The pids of the processes, readable by this one, that map the file now. */
    public static Set<Long> mappers(Path file) {
        return scan(file).pids;
    }

    /**
     * Whether some process may map the file now: one whose maps lists it, or one whose maps
     * could not be read for any reason but its having ended, or {@code /proc} could not be listed.
     */
    public static boolean mayBeMapped(Path file) {
        Scan scan = scan(file);
        return scan.unknown || !scan.pids.isEmpty();
    }

    /** What a pass over {@code /proc} found: the mappers it could see, and whether it missed any. */
    private record Scan(Set<Long> pids, boolean unknown) {
    }

    private static Scan scan(Path file) {
        // maps holds the path's bytes: compare byte for byte (Latin-1 maps each byte to one char)
        String path = new String(file.toAbsolutePath().normalize().toString().getBytes(NATIVE), ISO_8859_1);
        Set<Long> pids = new TreeSet<>();
        boolean unknown = false;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcessMaps::isPidDirectory)) {
            for (Path dir : dirs) {
                try {
                    if (maps(dir.resolve("maps"), path)) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (NoSuchFileException ended) {
                    // the process ended: it maps nothing
                } catch (IOException | SecurityException unreadable) {
                    unknown = true;
                }
            }
        } catch (IOException | DirectoryIteratorException | SecurityException e) {
            unknown = true;
        }
        return new Scan(pids, unknown);
    }

    private static Charset nativeEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean isPidDirectory(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static boolean maps(Path maps, String path) throws IOException {
        for (String line : Files.readAllLines(maps, ISO_8859_1)) {
            if (line.endsWith(" " + path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code /proc} is mounted with a {@code hidepid} option other than 0 (or cannot be told). */
    private static boolean hidesProcesses() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("self/mountinfo"))) {
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
