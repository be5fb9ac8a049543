package org.multios.ipc.core.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags of {@code open} whose values differ by processor: {@code O_NOFOLLOW} taken for
 * another processor's would be {@code O_LARGEFILE} on ARM, and a link would be followed.
 */
class PosixFlagsTest {
    @TempDir
    Path dir;

    @Test
    void noFollowHasEachProcessorsValue() {
        assertThat(Posix.noFollow("amd64")).isEqualTo(0400000);
        assertThat(Posix.noFollow("x86_64")).isEqualTo(0400000);
        assertThat(Posix.noFollow("riscv64")).as("the generic headers'").isEqualTo(0400000);
        assertThat(Posix.noFollow("aarch64")).isEqualTo(0100000);
        assertThat(Posix.noFollow("arm")).isEqualTo(0100000);
        assertThat(Posix.noFollow("ppc64le")).isEqualTo(0100000);
        assertThat(Posix.O_NOFOLLOW).isEqualTo(Posix.noFollow(System.getProperty("os.arch")));
    }

    @Test
    void aLinkIsNotFollowedOnThisProcessor() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThat(Posix.openNoFollow(link, false)).isEqualTo(-Posix.ELOOP);
    }
}
