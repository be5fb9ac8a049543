package org.multios.ipc.gateway.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which directory KeptCache uses as its kept cache, what emptying it deletes, and that a cache is
 * kept only once a start marked it whole.
 */
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
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        String refusal = KeptCache.refusal(cache);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)), "not even its mode changed");
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

    @Test
    void aStartEndedBeforeTheFrameworkStartedIsNotKept() throws IOException {
        Path jar = launcherJar();
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertFalse(fill(jar, cache), "a new cache");
        // the launcher installs the bundles now; the JVM is killed while Felix copies one
        Path damaged = installed(cache, "half a bundle");
        assertFalse(fill(jar, cache), "a cache whose start never completed is made again");
        assertFalse(Files.exists(damaged), "its half-copied bundle is gone");
        assertNull(KeptCache.refusal(cache), "and it is still the gateway's cache");
    }

    @Test
    void aCacheMarkedWholeIsKeptUntilARestartEndsEarly() throws IOException {
        Path jar = launcherJar();
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertFalse(fill(jar, cache));
        Path bundle = installed(cache, "a whole bundle");
        KeptCache.complete(cache);
        assertTrue(fill(jar, cache), "the framework started: the restart keeps the cache");
        assertTrue(Files.exists(bundle));
        // this restart ends before its framework started (it might have reinstalled a bundle)
        assertFalse(fill(jar, cache), "the next start does not trust it");
        assertFalse(Files.exists(bundle));
    }

    private boolean fill(Path jar, Path cache) throws IOException {
        try (JarFile own = new JarFile(jar.toFile(), false)) {
            return KeptCache.fill(own, cache, own.getManifest(), "jar/launcher.jar", new ArrayList<>()).containsKey(KeptCache.KEPT);
        }
    }

    /** A bundle in Felix's layout, installed from the jar's bundle. */
    private static Path installed(Path cache, String content) throws IOException {
        Path bundle = Files.createDirectories(cache.resolve("bundle1"));
        Files.writeString(bundle.resolve("bundle.info"), "1\njar/b.jar\n");
        return Files.writeString(Files.createDirectories(bundle.resolve("version0.0")).resolve("bundle.jar"), content);
    }

    @Test
    void aCacheReadableByOthersIsMadePrivateTreeAndAll() throws IOException {
        Path jar = launcherJar();
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertFalse(fill(jar, cache));
        Path bundle = installed(cache, "a whole bundle");
        KeptCache.complete(cache);
        // as an older version left it under umask 002: the top 0755, what Felix made group-writable
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cache.resolve("bundle1"), PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rw-rw-r--"));
        assertNull(KeptCache.refusal(cache), "our own cache is repaired, not refused");
        assertEquals("rwx------", mode(cache));
        assertTrue(fill(jar, cache), "and still kept");
        assertEquals("rwx------", mode(cache.resolve("bundle1")));
        assertEquals("rw-------", mode(bundle));
        assertEquals("rw-------", mode(cache.resolve("jar/launcher.jar")));
        assertEquals("rwx------", mode(cache.resolve("jar")));
    }

    @Test
    void aWorkingDirectoryOthersMayWriteToIsRefusedUnlessSticky() throws IOException {
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        String refusal = KeptCache.refusal(work.resolve(KeptCache.FOLDER));
        assertNotNull(refusal);
        assertTrue(refusal.contains("sticky"), refusal);
        assertFalse(Files.exists(work.resolve(KeptCache.FOLDER)));
        Files.setAttribute(work, "unix:mode", 01777);
        assertNull(KeptCache.refusal(work.resolve(KeptCache.FOLDER)));
    }

    @Test
    void aLinkPlantedOnTheActivatorPathIsNotFollowed() throws Exception {
        Path jar = launcherJar("not a class");
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertFalse(fill(jar, cache));
        installed(cache, "a whole bundle");
        KeptCache.complete(cache);
        Path target = Files.createDirectory(dir.resolve("target"));
        Path launched = cache.resolve(KeptCache.ACTIVATOR_FOLDER + "org/multios/ipc/gateway");
        Files.createDirectories(launched);
        Files.createSymbolicLink(launched.resolve("launched"), target);
        // the class file is no class: prepare fails after the extraction either way
        assertThrows(Exception.class, () -> prepare(jar, cache));
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(0, files.count(), "nothing written where the link points");
        }
    }

    @Test
    void writingThroughALinkedFolderIsRefused() throws IOException {
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        Path target = Files.createDirectory(dir.resolve("target"));
        Files.createSymbolicLink(cache.resolve("launcher-activator"), target);
        assertThrows(IOException.class,
                () -> CacheFiles.write(cache, "launcher-activator/A.class", new ByteArrayInputStream(new byte[1])));
        assertFalse(Files.exists(target.resolve("A.class")));
    }

    @Test
    void aMissingActivatorMeansAFreshStartWithTheKeptCacheUntouched() throws Exception {
        Path jar = launcherJar(null);
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        assertFalse(fill(jar, cache));
        KeptCache.complete(cache);
        String key = Files.readString(cache.resolve(KeptCache.KEY));
        IOException e = assertThrows(IOException.class, () -> prepare(jar, cache));
        assertTrue(e.getMessage().contains("CacheKeyActivator"), e.getMessage());
        assertEquals(key, Files.readString(cache.resolve(KeptCache.KEY)), "the key is not blanked");
        assertNull(System.getProperty("launch.storage.dir"), "a fresh start would not use the kept cache");
    }

    @Test
    void anActivatorThatCannotBeLoadedMeansAFreshStart() throws Exception {
        Path jar = launcherJar("not a class");
        Path cache = dir.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        IOException e = assertThrows(IOException.class, () -> prepare(jar, cache));
        assertTrue(e.getMessage().contains("cannot be loaded"), e.getMessage());
        assertNull(System.getProperty("launch.storage.dir"), "a fresh start would not use the kept cache");
        assertNull(System.getProperty("launch.activators"));
    }

    @Test
    void theCacheActivatorIsAppendedToTheLaunchersOwn() {
        String ours = "org.multios.ipc.gateway.launched.CacheKeyActivator";
        assertEquals("a.B," + ours, KeptCache.activators("a.B"));
        assertEquals("a.B, c.D," + ours, KeptCache.activators("a.B, c.D"));
        assertEquals(ours, KeptCache.activators(null));
        assertEquals(ours, KeptCache.activators(""));
        assertEquals("a.B," + ours, KeptCache.activators("a.B," + ours));
    }

    private static void prepare(Path jar, Path cache) throws Exception {
        Object fileKey = Files.readAttributes(cache, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        try (JarFile own = new JarFile(jar.toFile(), false)) {
            KeptCache.prepare(own, cache, fileKey, ClassLoader.getPlatformClassLoader());
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private Path launcherJar() throws IOException {
        return TestJars.launcherJar(dir, null);
    }

    private Path launcherJar(String activator) throws IOException {
        return TestJars.launcherJar(dir, activator);
    }
}
