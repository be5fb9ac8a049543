package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The script the build writes beside each gateway jar ({@code ipc.gateway/src/main/sh/launch})
 * starts the gateway with the class-data sharing archive made for that jar, and starts it all the
 * same when the archive is missing, belongs to another jar or is damaged. The cases run the
 * minimal gateway's script and jar copied into a folder of their own (the jar with its time stamp,
 * which the JVM checks), with an archive and its checksum made there the way the script tells an
 * operator to.
 */
public class GatewayClassSharingTest {
    private static final String MARKER = "console-is-ready";
    /** How the JVM's class+load log names a class taken from the dynamic archive. */
    private static final String FROM_ARCHIVE = "source: shared objects file (top)";
    /** The launcher's exit code after 'stop 0'. */
    private static final int STOPPED = 117;

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static Path folder;
    private static Path jar;
    private static Path archive;
    private static Path madeArchive;
    private static FileTime jarTime;
    private static int starts;

    @BeforeClass
    public static void makeAnArchiveForACopyOfTheMinimalGateway() throws Exception {
        Path built = Path.of(System.getProperty("ipc.gateway.minimal.jar"));
        folder = TMP.newFolder("gateway").toPath();
        jar = Files.copy(built, folder.resolve("minimal.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(built.resolveSibling("minimal"), folder.resolve("minimal"), StandardCopyOption.COPY_ATTRIBUTES);
        jarTime = Files.getLastModifiedTime(jar);
        archive = folder.resolve("minimal.jsa");
        startAndStop(folder.resolve("minimal"), "-XX:ArchiveClassesAtExit=" + archive);
        assertTrue("the run wrote an archive", Files.size(archive) > 1 << 20);
        ProcessBuilder sum = new ProcessBuilder("sh", "-c",
                "echo \"$(cksum < minimal.jsa) $(readlink -f \"$JAVA\")\" > minimal.jsa.cksum").directory(folder.toFile()).inheritIO();
        sum.environment().put("JAVA", java());
        Process checksum = sum.start();
        assertEquals(0, checksum.waitFor());
        madeArchive = Files.move(archive, folder.resolve("made.jsa"));
    }

    @Before
    public void restoreTheArchiveAndTheJar() throws IOException {
        Files.deleteIfExists(archive);
        Files.copy(madeArchive, archive);
        Files.setLastModifiedTime(jar, jarTime);
    }

    @Test(timeout = 300_000)
    public void theArchiveServesTheBundlesClassesWhenItFitsTheJar() throws Exception {
        assertTrue(classesFromArchive(startAndStop(folder.resolve("minimal"))) > 500);
    }

    @Test(timeout = 300_000)
    public void theArchiveTheBuildMadeFitsTheBuiltJar() throws Exception {
        Path script = Path.of(System.getProperty("ipc.gateway.minimal.jar")).resolveSibling("minimal");
        assertTrue(classesFromArchive(startAndStop(script)) > 500);
    }

    /**
     * The build's training start ends before the JMX view's first refresh, however slow the
     * machine: the archive holds none of the platform MBean server's classes (a slow training
     * start put about 2 MB of them there). Read from the JVM's listing of the archive's classes.
     */
    @Test(timeout = 300_000)
    public void theArchiveTheBuildMadeHoldsNoPlatformMBeanServer() throws Exception {
        Path built = Path.of(System.getProperty("ipc.gateway.minimal.jar"));
        Process print = new ProcessBuilder(java(), "-XX:SharedArchiveFile=" + built.resolveSibling("minimal.jsa"),
                "-XX:+PrintSharedArchiveAndExit", "-jar", built.toString()).redirectErrorStream(true).start();
        String listing = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(listing, 0, print.waitFor());
        int top = listing.indexOf("Dynamic archive name");
        assertTrue(listing, top >= 0);
        assertFalse("the archive holds the platform MBean server's classes", listing.substring(top).contains(" com.sun.jmx.mbeanserver.JmxMBeanServer "));
    }

    @Test(timeout = 300_000)
    public void theGatewayStartsWithoutAnArchive() throws Exception {
        Files.delete(archive);
        assertEquals(0, classesFromArchive(startAndStop(folder.resolve("minimal"))));
    }

    @Test(timeout = 300_000)
    public void anArchiveOfAnotherBuildOfTheJarIsIgnored() throws Exception {
        Files.setLastModifiedTime(jar, FileTime.fromMillis(jarTime.toMillis() + 60_000));
        assertEquals(0, classesFromArchive(startAndStop(folder.resolve("minimal"))));
    }

    @Test(timeout = 300_000)
    public void aTruncatedArchiveIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(madeArchive);
        rewriteArchive(Arrays.copyOf(bytes, 5000));
        assertEquals(0, classesFromArchive(startAndStop(folder.resolve("minimal"))));
    }

    /** The JVM takes an archive whose header is intact as it is: with other contents, it crashes. */
    @Test(timeout = 300_000)
    public void anAlteredArchiveIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(madeArchive);
        for (int i = 4096; i < bytes.length; i += 997) {
            bytes[i] ^= 0x5a;
        }
        rewriteArchive(bytes);
        assertEquals(0, classesFromArchive(startAndStop(folder.resolve("minimal"))));
    }

    /** Damages the archive and leaves the checksum of the complete one beside it. */
    private static void rewriteArchive(byte[] bytes) throws IOException {
        Files.delete(archive);
        Files.write(archive, bytes);
    }

    private static long classesFromArchive(Path classLog) throws IOException {
        try (var lines = Files.lines(classLog)) {
            return lines.filter(l -> l.contains(FROM_ARCHIVE)).count();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts a gateway script in a folder of its own (an empty conf/, its own IPC root, any free
     * HTTP port), waits until its console answered, stops it there and returns the log of the
     * classes its JVM loaded.
     */
    private static Path startAndStop(Path script, String... javaOptions) throws Exception {
        Path work = TMP.newFolder("start-" + starts++).toPath();
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path output = work.resolve("output.txt");
        Path classLog = work.resolve("classes.txt");
        ProcessBuilder start = new ProcessBuilder(script.toString()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        start.environment().put("JAVA", java());
        start.environment().put("JAVA_OPTS", String.join(" ", List.of(javaOptions)) + " -Xlog:class+load:file=" + classLog
                + " -Dfelix.fileinstall.dir=" + conf + " -Dorg.multios.ipc.root=" + work.resolve("ipc")
                + " -Dorg.osgi.service.http.port=0");
        Process gateway = start.start();
        try {
            OutputStream console = gateway.getOutputStream();
            console.write(("echo " + MARKER + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.readString(output).contains(MARKER + "\n")) {
                assertTrue("the gateway is running:\n" + Files.readString(output), gateway.isAlive());
                assertTrue("the console answers in time:\n" + Files.readString(output), System.nanoTime() < deadline);
                Thread.sleep(50);
            }
            console.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            console.flush();
            assertTrue("the gateway stops", gateway.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Files.readString(output), STOPPED, gateway.exitValue());
            return classLog;
        } finally {
            gateway.destroyForcibly().waitFor();
        }
    }
}
