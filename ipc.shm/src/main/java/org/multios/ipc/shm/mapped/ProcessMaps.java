package org.multios.ipc.shm.mapped;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which processes map a file, read from {@code /proc/<pid>/maps} (Linux). Processes whose maps
 * this process may not read (other users, unless run as root) are not seen, so a caller that
 * collects unused files must treat "unknown" as "in use": see {@link #isSupported()}.
 */
@ProviderType
public final class ProcessMaps {
    private static final Path PROC = Path.of("/proc");

    private ProcessMaps() {
    }

    /** Whether this system has {@code /proc/self/maps}. */
    public static boolean isSupported() {
        return Files.isReadable(PROC.resolve("self/maps"));
    }

    /** The pids of the processes, readable by this one, that map the file now. */
    public static Set<Long> mappers(Path file) {
        String path = file.toAbsolutePath().normalize().toString();
        Set<Long> pids = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcessMaps::isPidDirectory)) {
            for (Path dir : dirs) {
                if (maps(dir.resolve("maps"), path)) {
                    pids.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /proc: nobody is known to map it
        }
        return pids;
    }

    private static boolean isPidDirectory(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static boolean maps(Path maps, String path) {
        try {
            for (String line : Files.readAllLines(maps)) {
                if (line.endsWith(" " + path)) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            // gone, or not ours to read
        }
        return false;
    }
}
