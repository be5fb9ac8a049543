package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.core.posix.LinuxSyscall;

/**
 * The fence across processes: a process registers for it at first use, so that others' calls
 * fence its threads; one told not to ({@value ProcessFence#UNREGISTERED_PROPERTY}) does not,
 * and still makes the call, fencing those that did.
 */
class ProcessFenceGlobalTest {
    @TempDir
    Path dir;

    @Test
    void aProcessRegistersAndFencesEveryRegisteredProcess() {
        assumeTrue(LinuxSyscall.isBound(), "no C library binding");
        assertThat(ProcessFence.isGlobalSupported()).as("registered (Linux 4.16 and later)").isTrue();
        assertThat(ProcessFence.canSerializeAll()).isTrue();
        assertThat(ProcessFence.serializeAll()).isTrue();
    }

    @Test
    @Timeout(120)
    void aProcessToldNotToRegisterStillFencesTheOthers() throws Exception {
        assumeTrue(LinuxSyscall.isBound(), "no C library binding");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + ProcessFence.UNREGISTERED_PROPERTY + "=true", "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(child.waitFor(100, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(output.lines()).as(output).contains("registered=false", "callable=true", "fenced=true");
    }

    /** Prints what the child sees. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("registered=" + ProcessFence.isGlobalSupported());
            System.out.println("callable=" + ProcessFence.canSerializeAll());
            System.out.println("fenced=" + ProcessFence.serializeAll());
        }
    }
}
