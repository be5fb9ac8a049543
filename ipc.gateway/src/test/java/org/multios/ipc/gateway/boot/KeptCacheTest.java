package org.multios.ipc.gateway.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directory KeptCache uses as its kept cache, and what emptying it deletes. */
class KeptCacheTest {
    @TempDir
    Path dir;

    @Test
    void aMissingCacheIsMadePrivateAndUsed() throws IOException {
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws IOException {
        Path target = Files.createDirectory(dir.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(target.resolve(KeptCache.KEY), "");
        Path data = Files.writeString(target.resolve("data"), "theirs");
        Path cache = Files.createSymbolicLink(dir.resolve(KeptCache.FOLDER), target);
        String refusal = KeptCache.refusal(cache);
        assertNotNull(refusal);
        assertTrue(refusal.contains("symbolic link"), refusal);
        assertTrue(Files.isSymbolicLink(cache));
        assertEquals("theirs", Files.readString(data));
    }

    @Test
    void aDirectoryWithoutOurKeyIsLeftAlone() throws IOException {
        Path cache = Files.createDirectory(dir.resolve(KeptCache.FOLDER), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path data = Files.writeString(Files.createDirectory(cache.resolve("bundle1")).resolve("bundle.info"), "theirs");
        String refusal = KeptCache.refusal(cache);
        assertNotNull(refusal);
        assertTrue(refusal.contains(KeptCache.KEY), refusal);
        assertEquals("theirs", Files.readString(data));
    }

    @Test
    void aGroupWritableCacheIsNotReused() throws IOException {
        Path cache = Files.createDirectory(dir.resolve(KeptCache.FOLDER));
        Files.writeString(cache.resolve(KeptCache.KEY), "");
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwx---"));
        assertNotNull(KeptCache.refusal(cache));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx---rwx"));
        assertNotNull(KeptCache.refusal(cache));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-x---"));
        assertNull(KeptCache.refusal(cache));
    }

    @Test
    void emptyingDeletesLinksAsLinks() throws IOException {
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        Files.writeString(cache.resolve(KeptCache.KEY), "key");
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path data = Files.writeString(outside.resolve("data"), "theirs");
        Path bundle = Files.createDirectory(cache.resolve("bundle1"));
        Files.createSymbolicLink(bundle.resolve("link"), outside);
        Files.createSymbolicLink(cache.resolve("top"), outside);
        KeptCache.empty(cache);
        assertEquals("theirs", Files.readString(data));
        assertFalse(Files.exists(bundle, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(cache.resolve("top"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(cache.resolve(KeptCache.KEY)));
    }
}
