package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.multios.ipc.IpcEnvironment;

/**
 * One gateway jar (system property {@code ipc.gateway.jar}) run in a child JVM as README says:
 * its own directory, IPC root, {@code conf/} and HTTP port, and its console on standard input.
 */
final class GatewayProcess {
    /** The system property of the gateway's log level (SLF4J's simple provider). */
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    final Path dir;
    final Path output;
    final Process process;
    private final OutputStream console;

    private GatewayProcess(Path dir, Path output, Process process) {
        this.dir = dir;
        this.output = output;
        this.process = process;
        this.console = process.getOutputStream();
    }

    /**
     * Copies the configuration files the gateway ships ({@code ipc.gateway/conf}, system property
     * {@code ipc.gateway.conf}) into {@code dir/conf} and returns that directory.
     */
    static Path shippedConf(Path dir) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        try (Stream<Path> files = Files.list(shippedConfDir())) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("webconsole.password")) {
                    // not shipped: what a gateway started from the build generated for itself
                    Files.copy(f, conf.resolve(f.getFileName().toString()));
                }
            }
        }
        return conf;
    }

    /** The directory of the configuration files the gateway ships. */
    static Path shippedConfDir() {
        return Path.of(System.getProperty("ipc.gateway.conf"));
    }

    /**
     * Starts a gateway in {@code dir} (whose {@code conf/} the caller has written) and waits until
     * its security bundle has started (its policy may come later, when File Install has read it).
     */
    static GatewayProcess start(Path dir, String... jvmOptions) throws Exception {
        return start(dir, Path.of(System.getProperty("ipc.gateway.jar")), jvmOptions);
    }

    /**
     * Starts the given gateway jar in {@code dir}, as {@link #start(Path, String...)} does. Its log
     * is turned up to INFO (the documented switch), which the tests read, unless the options set
     * the level themselves.
     */
    static GatewayProcess start(Path dir, Path jar, String... jvmOptions) throws Exception {
        Path output = dir.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + dir.resolve("ipc"),
                "-Dorg.osgi.service.http.port=" + freePort()));
        if (Stream.of(jvmOptions).noneMatch(o -> o.startsWith("-D" + LOG_LEVEL + "="))) {
            command.add("-D" + LOG_LEVEL + "=info");
        }
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        GatewayProcess g = new GatewayProcess(dir, output, p);
        g.awaitOutput(command.contains("-D" + LOG_LEVEL + "=warn") ? "ipc.audit - policy change" : "IPC security started");
        return g;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Types a line at the console. */
    void command(String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    /** What the gateway wrote so far. */
    String output() throws IOException {
        return Files.readString(output);
    }

    /** Waits up to a minute until the output holds the text. */
    void awaitOutput(String text) throws Exception {
        awaitOutput(text, 60);
    }

    /** Waits up to the given seconds until the output holds the text. */
    void awaitOutput(String text, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            assertTrue("the gateway is running:\n" + output(), process.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** Stops the gateway at its console and waits for its end; kills it if it does not end. */
    void stop() throws Exception {
        if (process.isAlive()) {
            try {
                command("stop 0");
            } catch (IOException consoleClosed) {
                // it is ending already
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
