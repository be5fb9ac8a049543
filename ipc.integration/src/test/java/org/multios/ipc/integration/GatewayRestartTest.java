package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Enumeration;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A gateway restarted in its working directory reuses the framework cache of its last run
 * (ipc-gateway-cache, ipc.gateway's KeptCache), and a new gateway jar never runs the bundles of the
 * old one: a jar with one bundle changed runs the changed bundle, a jar without a bundle runs
 * without it, even when the new jar has the old one's name and time stamp.
 */
public class GatewayRestartTest {
    private static final String EXAMPLES = "jar/ipc.examples-";
    private static final String EXAMPLES_NAME = "MultiOS IPC Examples";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private Path jar;
    private GatewayProcess gateway;
    private String lastOutput;

    @Before
    public void prepare() throws Exception {
        dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        jar = tmp.newFolder("jars").toPath().resolve("minimal.jar");
        Files.copy(Path.of(System.getProperty("ipc.gateway.minimal.jar")), jar);
    }

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test(timeout = 300_000)
    public void aRestartReusesTheCacheAndANewJarNeverRunsTheOldBundles() throws Exception {
        Path cache = dir.resolve("ipc-gateway-cache");
        String first = bundles();
        assertTrue(first, first.contains("|" + EXAMPLES_NAME + " ("));
        Path marker = Files.writeString(cache.resolve("marker"), "kept");

        String again = bundles();
        assertTrue("the restart reused the cache of the first start", Files.exists(marker));
        assertTrue(again, again.contains("|" + EXAMPLES_NAME + " ("));

        FileTime stamp = Files.getLastModifiedTime(jar);
        rewrite(jar, (name, content) -> name.startsWith(EXAMPLES)
                ? renamed(content, EXAMPLES_NAME + ", replaced") : content);
        Files.setLastModifiedTime(jar, stamp);
        String replaced = bundles();
        assertFalse("a new jar empties the cache", Files.exists(marker));
        assertTrue(replaced, replaced.contains("|" + EXAMPLES_NAME + ", replaced ("));
        assertFalse(replaced, replaced.contains("|" + EXAMPLES_NAME + " ("));

        rewrite(jar, (name, content) -> name.startsWith(EXAMPLES) ? null
                : name.equals("launcher.properties") ? withoutExamples(content) : content);
        Files.setLastModifiedTime(jar, stamp);
        String removed = bundles();
        assertFalse(removed, removed.contains(EXAMPLES_NAME));
        assertTrue(removed, removed.contains("MultiOS IPC Shell"));
    }

    @Test(timeout = 300_000)
    public void aFirstStartBesideItsPreparedCacheInstallsNothingAndAnotherJarsIsNotUsed() throws Exception {
        Path prepared = Files.copy(Path.of(System.getProperty("ipc.gateway.minimal.jar")).resolveSibling("minimal.cache.zip"),
                jar.resolveSibling("minimal.cache.zip"));
        String first = bundles();
        assertTrue(first, first.contains("|" + EXAMPLES_NAME + " ("));
        assertFalse(first, first.contains("|Installed "));
        assertFalse(lastOutput, lastOutput.contains("prepared cache"));
        Path cache = dir.resolve("ipc-gateway-cache");
        try (ZipFile zip = new ZipFile(prepared.toFile())) {
            for (String record : new String[] {"bundle1/bundle.info", "bundle12/bundle.info"}) {
                assertEquals("the launcher installed nothing: the bundle's record is the prepared one",
                        new String(zip.getInputStream(zip.getEntry(record)).readAllBytes(), StandardCharsets.UTF_8),
                        Files.readString(cache.resolve(record)));
            }
        }

        rewrite(jar, (name, content) -> name.startsWith(EXAMPLES)
                ? renamed(content, EXAMPLES_NAME + ", replaced") : content);
        dir = tmp.newFolder("another").toPath();
        GatewayProcess.shippedConf(dir);
        String replaced = bundles();
        assertTrue(lastOutput, lastOutput.contains("not using a prepared cache (" + prepared + " was prepared for another jar"));
        assertTrue(replaced, replaced.contains("|" + EXAMPLES_NAME + ", replaced ("));
        assertFalse(replaced, replaced.contains("|" + EXAMPLES_NAME + " ("));
    }

    /** Starts the jar in the working directory, lists its bundles at the console and stops it. */
    private String bundles() throws Exception {
        gateway = GatewayProcess.start(dir, jar);
        gateway.command("lb");
        gateway.command("echo listed");
        gateway.awaitOutput("listed\n");
        String listing = gateway.output();
        lastOutput = listing;
        gateway.stop();
        assertFalse("the gateway stopped", gateway.process.isAlive());
        gateway = null;
        return listing.substring(listing.indexOf("START LEVEL"), listing.indexOf("listed\n"));
    }

    /** What becomes of one entry of the jar: its new content, or null to drop it. */
    private interface Edit {
        byte[] apply(String name, byte[] content) throws IOException;
    }

    private static void rewrite(Path jar, Edit edit) throws IOException {
        Path next = jar.resolveSibling("next.jar");
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(next))) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                byte[] content;
                try (InputStream s = in.getInputStream(entry)) {
                    content = edit.apply(entry.getName(), s.readAllBytes());
                }
                if (content != null) {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    out.write(content);
                    out.closeEntry();
                }
            }
        }
        Files.move(next, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The bundle with another Bundle-Name, everything else as it was. */
    private static byte[] renamed(byte[] bundle, String name) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bundle))) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Name", name);
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null;) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** launcher.properties without the examples bundle in the bundles to install. */
    private static byte[] withoutExamples(byte[] properties) {
        UnaryOperator<String> drop = line -> line.startsWith("launch.bundles=")
                ? line.replaceAll(EXAMPLES + "[^,]*,?", "").replaceAll(",$", "") : line;
        StringBuilder sb = new StringBuilder();
        for (String line : new String(properties, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            sb.append(drop.apply(line)).append('\n');
        }
        return sb.substring(0, sb.length() - 1).getBytes(StandardCharsets.ISO_8859_1);
    }
}
