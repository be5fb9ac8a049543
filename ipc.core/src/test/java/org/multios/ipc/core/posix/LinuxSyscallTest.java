package org.multios.ipc.core.posix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LinuxSyscallTest {
    /** getpid's numbers: x86-64, ARM64. */
    private static final long GETPID = LinuxSyscall.number(39, 172);

    @Test
    void numbersAreTheProcessorsOnLinuxAndUnknownElsewhere() {
        boolean linux = System.getProperty("os.name").toLowerCase().contains("linux");
        String arch = System.getProperty("os.arch");
        long expected = !linux ? -1 : switch (arch) {
            case "amd64", "x86_64" -> 39;
            case "aarch64", "arm64" -> 172;
            default -> -1;
        };
        assertThat(GETPID).as("getpid on %s", arch).isEqualTo(expected);
        if (linux) {
            assertThat(LinuxSyscall.isBound()).isTrue();
        }
    }

    @Test
    void aCallReachesTheKernel() {
        Assumptions.assumeTrue(GETPID >= 0 && LinuxSyscall.isBound(), "Linux on x86-64 or ARM64 only");
        assertThat(LinuxSyscall.call(GETPID, 0, 0, 0, 0, 0, 0)).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aFailedCallLeavesItsErrno() {
        Assumptions.assumeTrue(GETPID >= 0 && LinuxSyscall.isBound(), "Linux on x86-64 or ARM64 only");
        // futex with an unknown operation on no address: ENOSYS (38) or EINVAL (22), never a crash
        long futex = LinuxSyscall.number(202, 98);
        assertThat(LinuxSyscall.call(futex, 0, 0x7f, 0, 0, 0, 0)).isEqualTo(-1);
        assertThat(LinuxSyscall.errno()).isIn(22, 38);
    }
}
