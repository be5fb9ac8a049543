package org.multios.ipc.spi;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.local.LocalIdentity;

/**
 * A second OS user for tests of what another local user can do: {@value #NAME}, whose primary
 * group is {@value #GROUP}. Made with {@code groupadd}/{@code useradd} when the tests run as
 * root (as CI does); otherwise the test is skipped with a message saying why. Its actions run
 * through {@code runuser -u} ({@code python3} for byte-level writes).
 */
public final class OtherOsUser {
    /** The user's name. */
    public static final String NAME = "ipcpeer";
    /** Its primary group, which objects shared with it are given. */
    public static final String GROUP = "ipcpeers";

    private OtherOsUser() {
    }

    /** Makes sure the user exists; skips the calling test when it cannot be made. */
    public static void require() {
        assumeTrue("root".equals(LocalIdentity.user()),
                "skipped: a second OS user is needed and only root can create one (running as "
                        + LocalIdentity.user() + ")");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")),
                "skipped: runuser is not installed");
        if (exec(List.of("id", "-u", NAME)) != 0) {
            exec(List.of("groupadd", "-f", GROUP));
            exec(List.of("useradd", "-M", "-N", "-g", GROUP, "-s", "/usr/sbin/nologin", NAME));
            assumeTrue(exec(List.of("id", "-u", NAME)) == 0, "skipped: useradd could not make " + NAME);
        }
    }

    /**
     * Runs a command as the other user and returns its exit code (its output goes to this
     * process's output).
     */
    public static int run(String... command) {
        List<String> line = new ArrayList<>(List.of("runuser", "-u", NAME, "--"));
        line.addAll(List.of(command));
        return exec(line);
    }

    /**
     * Writes {@code bytes} into {@code file} at {@code offset} as the other user, without
     * truncating it (what a process allowed to write the file can do).
     *
     * @return the exit code: 0 when it wrote
     */
    public static int write(Path file, long offset, byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return run(python(), "-c", "import os,sys\n"
                + "fd=os.open(sys.argv[1],os.O_WRONLY)\n"
                + "os.pwrite(fd,bytes.fromhex(sys.argv[3]),int(sys.argv[2]))\n", file.toString(),
                Long.toString(offset), hex.toString());
    }

    /**
     * A new folder every user may write, with the sticky bit, as {@code /dev/shm} is (made there,
     * else in {@code /tmp}): where the other user can make names of its own next to ours.
     */
    public static Path stickyFolder(String prefix) throws IOException {
        Path devShm = Path.of("/dev/shm");
        Path folder = Files.createTempDirectory(Files.isDirectory(devShm) ? devShm : Path.of("/tmp"), prefix);
        if (exec(List.of("chmod", "1777", folder.toString())) != 0) {
            throw new AssertionError("chmod 1777 " + folder + " failed");
        }
        return folder;
    }

    /** Removes a {@link #stickyFolder} and what both users made in it (null: nothing to remove). */
    public static void removeStickyFolder(Path folder) throws IOException {
        if (folder == null) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The system's python3 (one under root's home is not reachable for the other user). */
    public static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static int exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not end");
            }
            if (!out.isBlank()) {
                System.out.println(String.join(" ", command) + ": " + out.strip());
            }
            return p.exitValue();
        } catch (IOException e) {
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
