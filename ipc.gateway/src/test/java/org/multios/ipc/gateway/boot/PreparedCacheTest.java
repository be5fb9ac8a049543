package org.multios.ipc.gateway.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the build packs into a prepared cache, that a first start unpacks it with each bundle
 * taken from the jar, and that a prepared cache another user could have written, or one that
 * holds more than Felix's records, is not used.
 */
class PreparedCacheTest {
    private static final String RECORD = "1\njar/b.jar\n32\n1\n1796354035861\n0\n";

    @TempDir
    Path dir;
    private Path jar;
    private Path prepared;
    private Map<String, String> packed;

    /** The build's training start: the launcher installed the jar's bundle, SCR stopped, and it was packed. */
    @BeforeEach
    void train() throws IOException {
        Path dist = Files.createDirectory(dir.resolve("dist"));
        jar = TestJars.launcherJar(dist, null);
        Path training = Files.createDirectory(dir.resolve("training")).resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(training));
        fill(training);
        write(training, "bundle0/bundle.id", "2");
        write(training, "bundle0/last.java.version", "17");
        write(training, "bundle0/.bnd.launcher/1", "digest");
        write(training, "bundle1/bundle.info", RECORD);
        write(training, "bundle1/version0.0/revision.location", "inputstream:");
        write(training, "bundle1/version0.0/bundle.jar", TestJars.BUNDLE);
        write(training, "bundle1/data/componentMetadataStore", "descriptors");
        write(training, "bundle1/data/ssh-host-key", "secret");
        write(training, "configadmin/org/multios/ipc/ssh.config", "password=secret");
        write(training, "cache.lock", "");
        KeptCache.complete(training);
        prepared = PreparedCache.of(jar);
        PreparedCache.pack(training, prepared);
        packed = entries();
    }

    @Test
    void thePackHoldsFelixsRecordsAndNoBundleConfigurationOrOtherData() throws IOException {
        assertEquals(dir.resolve("dist/gateway.cache.zip"), prepared);
        assertEquals(Set.of(KeptCache.KEY, "bundle0/bundle.id", "bundle0/last.java.version", "bundle0/.bnd.launcher/1",
                "bundle1/bundle.info", "bundle1/version0.0/revision.location", "bundle1/data/componentMetadataStore"),
                entries().keySet());
        assertEquals("rw-r--r--", mode(prepared));
    }

    @Test
    void aFirstStartUnpacksItWithTheBundleFromTheJarAndARestartKeepsIt() throws IOException {
        Path cache = newCache();
        assertTrue(fill(cache).containsKey(KeptCache.PREPARED));
        assertEquals(TestJars.BUNDLE, Files.readString(cache.resolve("bundle1/version0.0/bundle.jar")));
        assertEquals(RECORD, Files.readString(cache.resolve("bundle1/bundle.info")));
        assertEquals("descriptors", Files.readString(cache.resolve("bundle1/data/componentMetadataStore")));
        assertFalse(Files.exists(cache.resolve("bundle1/data/ssh-host-key")));
        assertFalse(Files.exists(cache.resolve("configadmin")));
        assertEquals("rw-------", mode(cache.resolve("bundle1/version0.0/bundle.jar")));
        assertEquals("rwx------", mode(cache.resolve("bundle1/version0.0")));
        KeptCache.complete(cache);
        Properties restart = fill(cache);
        assertTrue(restart.containsKey(KeptCache.KEPT));
        assertFalse(restart.containsKey(KeptCache.PREPARED));
    }

    @Test
    void withoutOneTheLauncherInstallsAsBefore() throws IOException {
        Files.delete(prepared);
        Path cache = newCache();
        assertFalse(fill(cache).containsKey(KeptCache.PREPARED));
        assertFalse(Files.exists(cache.resolve("bundle1")));
    }

    @Test
    void oneItsGroupOrOthersMayWriteIsNotUsed() throws IOException {
        Files.setPosixFilePermissions(prepared, PosixFilePermissions.fromString("rw-rw-r--"));
        refused("group or others");
        Files.setPosixFilePermissions(prepared, PosixFilePermissions.fromString("rw-r--rw-"));
        refused("group or others");
    }

    @Test
    void oneInAFolderOthersMayWriteWithoutAStickyBitIsNotUsed() throws IOException {
        Files.setPosixFilePermissions(prepared.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        refused("sticky");
        Files.setAttribute(prepared.getParent(), "unix:mode", 01777);
        assertTrue(fill(newCache()).containsKey(KeptCache.PREPARED));
    }

    @Test
    void oneOfAnotherOwnerThanTheJarsIsNotUsed() throws IOException {
        UserPrincipal nobody = prepared.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        try {
            Files.setOwner(prepared, nobody);
        } catch (IOException e) {
            Assumptions.abort("giving a file to another user needs root: " + e);
        }
        refused("owned by nobody");
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws IOException {
        Path elsewhere = Files.move(prepared, dir.resolve("elsewhere.zip"));
        Files.createSymbolicLink(prepared, elsewhere);
        refused("not a regular file");
    }

    @Test
    void oneMadeForAnotherJarIsNotUsed() throws IOException {
        craft(e -> e.put(KeptCache.KEY, "jar/b.jar 1-1\n"));
        refused("prepared for another jar");
    }

    @Test
    void oneWithAnEntryAPreparedCacheMayNotHoldIsNotUsed() throws IOException {
        for (String name : new String[] {"bundle1/data/ssh-host-key", "bundle1/version0.0/bundle.jar",
                "configadmin/org/multios/ipc/security.config", "../outside", "bundle1/../../outside"}) {
            craft(e -> e.put(name, "theirs"));
            refused("may not");
        }
    }

    @Test
    void oneWhoseRecordNamesAnotherBundleOrOriginIsNotUsed() throws IOException {
        craft(e -> e.put("bundle1/bundle.info", RECORD.replace("jar/b.jar", "file:/tmp/theirs.jar")));
        refused("not one of the jar's");
        craft(e -> e.put("bundle1/version0.0/revision.location", "reference:file:/tmp/theirs/"));
        refused("no bundle installed from the jar");
        craft(e -> e.put("bundle2/version0.0/revision.location", "inputstream:"));
        refused("without the bundle's record");
    }

    @Test
    void anOversizedEntryOrAFileThatIsNoZipIsNotUsed() throws IOException {
        craft(e -> e.put("bundle1/data/componentMetadataStore", "x".repeat(PreparedCache.MAX_ENTRY + 1)));
        refused("over " + PreparedCache.MAX_ENTRY);
        Files.writeString(prepared, "not a zip");
        refused("not a readable zip file");
    }

    /** The prepared cache is refused with a message naming it and {@code why}; the launcher installs into an empty cache. */
    private void refused(String why) throws IOException {
        Path cache = newCache();
        IOException e = assertThrows(IOException.class, () -> {
            try (JarFile own = new JarFile(jar.toFile(), false)) {
                PreparedCache.unpack(own, jar, cache, Files.readString(
                        dir.resolve("training").resolve(KeptCache.FOLDER).resolve(KeptCache.KEY)), Set.of("jar/b.jar"));
            }
        });
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains(prepared.toString()), e.getMessage());
        assertFalse(fill(cache).containsKey(KeptCache.PREPARED), "the start goes on without it");
        assertFalse(Files.exists(cache.resolve("bundle1")));
    }

    private Path newCache() throws IOException {
        Path work = Files.createTempDirectory(dir, "work");
        Path cache = work.resolve(KeptCache.FOLDER);
        assertNull(KeptCache.refusal(cache));
        return cache;
    }

    private Properties fill(Path cache) throws IOException {
        try (JarFile own = new JarFile(jar.toFile(), false)) {
            return KeptCache.fill(own, cache, own.getManifest(), "jar/launcher.jar", new ArrayList<>());
        }
    }

    private Map<String, String> entries() throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (ZipFile zip = new ZipFile(prepared.toFile())) {
            zip.stream().forEach(e -> {
                try {
                    entries.put(e.getName(), new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException x) {
                    throw new IllegalStateException(x);
                }
            });
        }
        return entries;
    }

    /** Rewrites the prepared cache with the packed entries as {@code edit} changes them, in the build's mode. */
    private void craft(Consumer<Map<String, String>> edit) throws IOException {
        Map<String, String> entries = new TreeMap<>(packed);
        edit.accept(entries);
        try (OutputStream out = Files.newOutputStream(prepared); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    private static void write(Path cache, String name, String content) throws IOException {
        Files.createDirectories(cache.resolve(name).getParent());
        Files.writeString(cache.resolve(name), content);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
