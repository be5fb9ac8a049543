package org.multios.ipc.core.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.ProcessFence;

/**
 * Where JNA's native library does not load, the system calls are unbound and their users keep
 * their degraded modes: futex waits park briefly, the process fence is unsupported. Run in a
 * child JVM told not to find that library.
 */
class WithoutJnaTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void futexAndFenceDegradeWhenJnaDoesNotLoad() throws Exception {
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.nosys=true", "-Djna.noclasspath=true", "-Djna.nounpack=true",
                "-Djna.boot.library.path=" + dir, "-Djna.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(child.waitFor(100, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(child.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output.lines()).as(output).contains("bound=false", "futex=false", "fence=false",
                "serialize=IllegalStateException");
    }

    /** Prints what the child sees. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("bound=" + LinuxSyscall.isBound());
            System.out.println("futex=" + Futex.isSupported());
            System.out.println("fence=" + ProcessFence.isSupported());
            try {
                ProcessFence.serialize();
                System.out.println("serialize=returned");
            } catch (IllegalStateException e) {
                System.out.println("serialize=IllegalStateException");
            }
        }
    }
}
