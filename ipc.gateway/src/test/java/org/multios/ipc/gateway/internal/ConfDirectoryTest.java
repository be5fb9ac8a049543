package org.multios.ipc.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration folder holds the security policy: the gateway takes it only from a folder
 * that no other OS user can change. Otherwise (root starting the gateway in {@code /tmp}, where
 * another user made {@code conf/} first; a folder or file others may write; no folder yet in a
 * place where others may make one) File Install watches an empty folder of the gateway's own.
 * The other user is {@value #PEER}, made by the tests of ipc.api when they run as root.
 */
@Timeout(60)
class ConfDirectoryTest {
    private static final String PEER = "ipcpeer";
    private static final String POLICY = "org.multios.ipc.security.cfg";

    @TempDir
    Path tmp;
    private Path refuge;
    /** A folder every user may write, with the sticky bit, as /tmp is. */
    private Path sticky;

    @BeforeEach
    void folders() throws IOException {
        refuge = tmp.resolve("refuge");
        sticky = Files.createDirectory(tmp.resolve("sticky"));
        exec("chmod", "1777", sticky.toString());
        exec("chmod", "0755", tmp.toString());
    }

    private Path choose(Path... candidates) {
        return ConfDirectory.choose(null, List.of(candidates), () -> refuge);
    }

    private static void exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void requirePeer() throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: needs root to act as " + PEER);
        assumeTrue(new ProcessBuilder("id", "-u", PEER).start().waitFor() == 0, "skipped: no user " + PEER);
    }

    private static Path trustedConf(Path parent) throws IOException {
        Path conf = Files.createDirectory(parent.resolve("conf"));
        Files.writeString(conf.resolve(POLICY), "rules=\"allow * * *\"\n", StandardCharsets.UTF_8);
        exec("chmod", "0755", conf.toString());
        exec("chmod", "0644", conf.resolve(POLICY).toString());
        return conf;
    }

    @Test
    void aFolderOfThisUserThatOnlyItWritesIsUsed() throws IOException {
        Path conf = trustedConf(tmp);

        assertEquals(conf, choose(conf));
    }

    @Test
    void aFolderInAStickyFolderIsUsedAndSoIsALinkToATrustedFolder() throws IOException {
        Path conf = trustedConf(sticky);
        Path link = Files.createSymbolicLink(tmp.resolve("linked"), conf);

        assertEquals(conf, choose(conf));
        assertEquals(link, choose(link));
    }

    @Test
    void aConfFolderAnotherUserMadeInAStickyWorkingDirectoryIsNotUsed() throws Exception {
        requirePeer();
        Path conf = sticky.resolve("conf");
        exec("runuser", "-u", PEER, "--", "mkdir", "-m", "0755", conf.toString());
        exec("runuser", "-u", PEER, "--", "sh", "-c", "echo 'rules=\"allow * * *\"' > " + conf.resolve(POLICY));

        assertEquals(refuge, choose(conf, trustedConf(tmp)));
    }

    @Test
    void aFolderOthersMayWriteIsNotUsed() throws IOException {
        Path conf = trustedConf(tmp);
        exec("chmod", "0777", conf.toString());

        assertEquals(refuge, choose(conf));
    }

    @Test
    void aFolderGivenByThePropertyIsCheckedToo() throws IOException {
        Path conf = trustedConf(tmp);
        exec("chmod", "0777", conf.toString());

        assertEquals(refuge, ConfDirectory.choose(conf.toString(), List.of(), () -> refuge));
    }

    @Test
    void aFolderAndFileWritableByAGroupOfOtherUsersAreNotUsed() throws Exception {
        // Debian's group "users", which is no user's private group
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: needs root to give the folder away");
        assumeTrue(new ProcessBuilder("getent", "group", "users").start().waitFor() == 0, "skipped: no group users");
        Path conf = trustedConf(tmp);
        exec("chgrp", "users", conf.toString());
        exec("chmod", "0775", conf.toString());

        assertEquals(refuge, choose(conf));

        Path other = trustedConf(Files.createDirectory(tmp.resolve("other")));
        exec("chgrp", "users", other.resolve(POLICY).toString());
        exec("chmod", "0664", other.resolve(POLICY).toString());

        assertEquals(refuge, choose(other));
    }

    @Test
    void aFolderAndFileWritableByTheOwnersPrivateGroupAreUsed() throws Exception {
        // as a checkout under the umask 002 of systems with a private group per user leaves them
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: the private group tried is root's");
        assumeTrue(PrivateGroups.isPrivateGroupOf("root", "root"), "skipped: root's group has other users here");
        Path conf = trustedConf(tmp);
        exec("chgrp", "root", conf.toString(), conf.resolve(POLICY).toString());
        exec("chmod", "0775", conf.toString());
        exec("chmod", "0664", conf.resolve(POLICY).toString());

        assertEquals(conf, choose(conf));
    }

    @Test
    void aConfigurationFileOthersMayWriteIsNotUsed() throws IOException {
        Path conf = trustedConf(tmp);
        exec("chmod", "0666", conf.resolve(POLICY).toString());

        assertEquals(refuge, choose(conf));
    }

    @Test
    void aFolderUnderAFolderOthersMayWriteWithoutStickyBitIsNotUsed() throws IOException {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Path conf = trustedConf(open);
        exec("chmod", "0777", open.toString());

        assertEquals(refuge, choose(conf));
    }

    @Test
    void aLinkToAFolderAnotherUserOwnsIsNotUsed() throws Exception {
        requirePeer();
        Path theirs = sticky.resolve("theirs");
        exec("runuser", "-u", PEER, "--", "mkdir", "-m", "0755", theirs.toString());
        Path link = Files.createSymbolicLink(tmp.resolve("conf"), theirs);

        assertEquals(refuge, choose(link));
    }

    @Test
    void noFolderYetWhereOthersCouldMakeOneIsNotWatched() {
        assertEquals(refuge, choose(sticky.resolve("conf")));
    }

    @Test
    void noFolderYetInAFolderOnlyThisUserWritesIsWatched() {
        Path conf = tmp.resolve("conf");

        assertEquals(conf, choose(conf));
    }
}
