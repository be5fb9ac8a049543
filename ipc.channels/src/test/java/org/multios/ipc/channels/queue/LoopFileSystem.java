package org.multios.ipc.channels.queue;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small ext4 file system in an image file, mounted through a loop device, for the durable
 * queue tests: a disk file system that can be filled up, and whose image, copied while mounted,
 * holds exactly what reached the "disk" (what a power loss would leave). Needs root, mkfs.ext4
 * and loop devices; a test that cannot have them is skipped with the reason.
 */
final class LoopFileSystem implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;
    private final List<Path> mounted = new ArrayList<>();

    private LoopFileSystem(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** Makes and mounts a file system of {@code megabytes} in {@code dir}, or skips the test. */
    static LoopFileSystem mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Path image = dir.resolve("disk.img");
        try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.allocate(1), (long) megabytes * 1024 * 1024 - 1);
        }
        String mkfs = run("mkfs.ext4", "-q", "-F", image.toString());
        if (mkfs != null) {
            abort("cannot make an ext4 file system here (" + mkfs + ")");
        }
        LoopFileSystem fs = new LoopFileSystem(image, Files.createDirectory(dir.resolve("mnt")));
        fs.mountImage(image, fs.mountPoint);
        return fs;
    }

    /** Where it is mounted. */
    Path root() {
        return mountPoint;
    }

    /**
     * Copies the image as it is now, while mounted, and mounts the copy (the kernel replays its
     * journal, as after a power loss): what survived the "crash".
     */
    Path mountCrashImage(Path dir) throws IOException, InterruptedException {
        Path copy = dir.resolve("crash.img");
        Files.copy(image, copy);
        Path at = Files.createDirectory(dir.resolve("crash"));
        mountImage(copy, at);
        return at;
    }

    private void mountImage(Path img, Path at) throws IOException, InterruptedException {
        String failed = run("mount", "-t", "ext4", "-o", "loop", img.toString(), at.toString());
        if (failed != null) {
            abort("cannot mount a loop device here (" + failed + ")");
        }
        mounted.add(0, at);
    }

    /** The error of a command, or null if it succeeded. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
            return command[0] + ": " + missing.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not end within 60 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited with " + p.exitValue() + ": " + out;
    }

    /** Unmounts what it mounted (lazily, should a mapping still hold it). */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Path at : mounted) {
            String failed = run("umount", at.toString());
            if (failed != null) {
                run("umount", "-l", at.toString());
            }
        }
        mounted.clear();
    }
}
