package org.multios.ipc.mqtt.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (Debian's {@code mosquitto}) for a test, on free loopback ports, with
 * files the test makes: a password file (users {@value #USER} and {@value #TOOL_USER}), a CA,
 * a server certificate for 127.0.0.1 and a client certificate (PKCS#12) made with
 * {@code openssl}, and persistence in the test's folder so that sessions survive a
 * {@link #stop()} and {@link #start()}. Listeners: {@link #port()} (TCP, password),
 * {@link #tlsPort()} (TLS, password) and {@link #certPort()} (TLS, client certificate required,
 * its common name is the user). {@code mosquitto_pub} and {@code mosquitto_sub} are the foreign
 * clients.
 */
public final class Mosquitto implements AutoCloseable {
    /** The user bridges log in as. */
    public static final String USER = "gateway";
    /** Its password. */
    public static final String PASSWORD = "gateway-secret-of-the-test";
    /** The user of mosquitto_pub and mosquitto_sub. */
    public static final String TOOL_USER = "tool";
    /** Its password. */
    public static final String TOOL_PASSWORD = "tool-secret-of-the-test";
    /** The password of {@link #clientKeyStore()}. */
    public static final String KEY_STORE_PASSWORD = "client-store-secret";

    private static final long START_SECONDS = 20;

    private static final int START_TRIES = 3;

    private final Path dir;
    private int port;
    private int tlsPort;
    private int certPort;
    private int wsPort;
    private final List<String> logLines = new ArrayList<>();
    private volatile Process broker;
    private volatile Thread reader;

    private Mosquitto(Path dir) {
        this.dir = dir;
    }

    /** Whether Debian's mosquitto and its clients and openssl are installed (.ci/run installs them). */
    public static boolean available() {
        return Files.isExecutable(executable()) && Files.isExecutable(Path.of("/usr/bin/mosquitto_pub"))
                && Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd")) && Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    /**
     * Makes the files in {@code dir} and starts the broker on four distinct free ports. Another
     * process may take a port between its choice and the broker's bind: then the broker is started
     * again on newly chosen ports, up to {@value #START_TRIES} times.
     */
    public static Mosquitto start(Path dir) throws Exception {
        Mosquitto m = new Mosquitto(Files.createDirectories(dir));
        m.makeFiles();
        for (int tries = 1; ; tries++) {
            m.choosePorts();
            m.writeConfiguration();
            try {
                m.start();
                return m;
            } catch (IOException e) {
                m.stop();
                if (tries == START_TRIES || !m.log().contains("Unable to") && !m.log().contains("in use")) {
                    throw e;
                }
                Files.deleteIfExists(dir.resolve("mosquitto.log"));
                synchronized (m) {
                    m.logLines.clear();
                }
            }
        }
    }

    /** Four loopback ports nobody listens on now, distinct: all four are held while they are chosen. */
    private void choosePorts() throws IOException {
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        try (ServerSocket a = new ServerSocket(0, 1, loopback); ServerSocket b = new ServerSocket(0, 1, loopback);
                ServerSocket c = new ServerSocket(0, 1, loopback); ServerSocket d = new ServerSocket(0, 1, loopback)) {
            port = a.getLocalPort();
            tlsPort = b.getLocalPort();
            certPort = c.getLocalPort();
            wsPort = d.getLocalPort();
        }
    }

    private static Path executable() {
        return Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? Path.of("/usr/sbin/mosquitto")
                : Path.of("/usr/bin/mosquitto");
    }

    private void makeFiles() throws Exception {
        Path passwords = dir.resolve("passwd");
        run("/usr/bin/mosquitto_passwd", "-b", "-c", passwords.toString(), USER, PASSWORD);
        run("/usr/bin/mosquitto_passwd", "-b", passwords.toString(), TOOL_USER, TOOL_PASSWORD);
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test broker CA");
        certificate("server", "/CN=localhost", true);
        certificate("client", "/CN=" + USER, false);
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-out", "client.p12",
                "-passout", "pass:" + KEY_STORE_PASSWORD);
        Files.createDirectories(dir.resolve("data"));
    }

    private void writeConfiguration() throws IOException {
        Path passwords = dir.resolve("passwd");
        String user = System.getProperty("user.name");
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "user " + user,
                "per_listener_settings true",
                "persistence true",
                "persistence_location " + dir.resolve("data") + "/",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "log_type subscribe",
                // -Dmosquitto.debug=true: every packet logged (with -Dmosquitto.keep.log=<prefix>, kept after the test)
                Boolean.getBoolean("mosquitto.debug") ? "log_type debug" : "",
                "max_inflight_messages 100",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                "listener " + tlsPort + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                "cafile " + dir.resolve("ca.pem"),
                "certfile " + dir.resolve("server.pem"),
                "keyfile " + dir.resolve("server.key"),
                "listener " + certPort + " 127.0.0.1",
                "allow_anonymous false",
                "cafile " + dir.resolve("ca.pem"),
                "certfile " + dir.resolve("server.pem"),
                "keyfile " + dir.resolve("server.key"),
                "require_certificate true",
                "use_identity_as_username true",
                // MQTT over WebSocket (libwebsockets, linked into Debian's mosquitto). Mosquitto 2.0.11
                // counts only its own listening sockets: with websockets listeners alone it exits with
                // "Unable to start any listening sockets"; beside the listeners above it runs.
                "listener " + wsPort + " 127.0.0.1",
                "protocol websockets",
                "socket_domain ipv4",
                "allow_anonymous false",
                "password_file " + passwords,
                ""));
    }

    private void certificate(String name, String subject, boolean server) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", subject);
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey",
                "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2"));
        if (server) {
            sign.addAll(List.of("-extfile", "san.ext"));
        }
        openssl(sign.toArray(String[]::new));
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    /** Starts the broker (again) on the same ports and waits until it runs. */
    public void start() throws Exception {
        broker = new ProcessBuilder(executable().toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Path log = dir.resolve("mosquitto.log");
        Process p = broker;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    lines.add(line);
                    synchronized (this) {
                        logLines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the broker was stopped: its output is closed
            }
        }, "mosquitto-log-reader");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(" running")) {
                return;
            }
            if (line == null && !p.isAlive()) {
                break;
            }
        }
        throw new IOException("mosquitto did not start:\n" + log());
    }

    /** Stops the broker, has it log every packet it sends and receives from now on, and starts it again. */
    public void restartLoggingPackets() throws Exception {
        stop();
        Files.writeString(dir.resolve("mosquitto.conf"), "log_type debug\n", java.nio.file.StandardOpenOption.APPEND);
        start();
    }

    /** Stops the broker as its service manager would (SIGTERM: it saves its sessions) and waits for it. */
    public void stop() throws InterruptedException {
        if (broker != null && broker.isAlive()) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5000);
        }
    }

    /**
     * Waits until the broker logs a line containing {@code text} (for example the subscription of
     * a client: {@code "tool-sub 1 test/out"}).
     */
    public synchronized void awaitLog(String text, long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int seen = 0; ; ) {
            for (; seen < logLines.size(); seen++) {
                if (logLines.get(seen).contains(text)) {
                    return;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("the broker did not log '" + text + "' within " + seconds + " s:\n" + log());
            }
            wait(left);
        }
    }

    /** The broker's log so far. */
    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    public int certPort() {
        return certPort;
    }

    /** tcp://127.0.0.1:{@link #port()}. */
    public String tcpUri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** ssl://127.0.0.1:{@link #tlsPort()}. */
    public String sslUri() {
        return "ssl://127.0.0.1:" + tlsPort;
    }

    /** ws://127.0.0.1:port of the plain WebSocket listener (passwords, as {@link #tcpUri()}). */
    public String wsUri() {
        return "ws://127.0.0.1:" + wsPort;
    }

    /** The PEM file of the CA that signed the broker's certificate. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** The client certificate and key, PKCS#12, password {@link #KEY_STORE_PASSWORD}, common name {@link #USER}. */
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /** Runs {@code mosquitto_pub} (MQTT 5, as {@link #TOOL_USER}, over TLS) with more arguments and waits for it. */
    public void publish(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p",
                Integer.toString(tlsPort), "--cafile", caFile().toString(), "-u", TOOL_USER, "-P", TOOL_PASSWORD));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    /**
     * Runs {@code mosquitto_pub -l} (as {@link #publish}) with more arguments: each of {@code lines}
     * is one message, published in order over one connection; waits for it.
     */
    public void publishLines(List<String> lines, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p",
                Integer.toString(tlsPort), "--cafile", caFile().toString(), "-u", TOOL_USER, "-P", TOOL_PASSWORD, "-l"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    /**
     * Starts {@code mosquitto_pub -l -d} (as {@link #publish}, through coreutils' {@code stdbuf}) with
     * more arguments: one publisher
     * whose connection stays open while the test gives it lines, one message each.
     */
    public LinePublisher linePublisher(String... args) throws IOException {
        // its output line by line (stdbuf), not in blocks as into any pipe
        List<String> command = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL", "/usr/bin/mosquitto_pub", "-V", "5",
                "-h", "127.0.0.1", "-p", Integer.toString(tlsPort), "--cafile", caFile().toString(), "-u", TOOL_USER,
                "-P", TOOL_PASSWORD, "-l", "-d"));
        command.addAll(List.of(args));
        return new LinePublisher(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * A running {@code mosquitto_pub -l -d}: {@link #publish} gives it lines; {@link #awaitCompleted}
     * waits until the broker completed the flows of so many of its messages (its debug output
     * says "received PUBCOMP" for QoS 2, "received PUBACK" for QoS 1).
     */
    public static final class LinePublisher implements AutoCloseable {
        private final Process process;
        private final java.io.Writer in;
        private final BufferedReader out;
        private final StringBuilder seen = new StringBuilder();
        private int completed;

        private LinePublisher(Process process) {
            this.process = process;
            this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Gives it {@code lines}, one message each, in order. */
        public void publish(List<String> lines) throws IOException {
            in.write(String.join("\n", lines).concat("\n"));
            in.flush();
        }

        /**
         * Reads its output until the broker completed {@code count} of its messages in all (the
         * caller's test timeout bounds the wait).
         *
         * @throws AssertionError if its output ends first, with that output
         */
        public void awaitCompleted(int count) throws IOException {
            for (String line; completed < count; ) {
                line = out.readLine();
                if (line == null) {
                    throw new AssertionError("mosquitto_pub ended after " + completed + " of " + count + ":\n" + seen);
                }
                seen.append(line).append('\n');
                if (line.contains("received PUBCOMP") || line.contains("received PUBACK")) {
                    completed++;
                }
            }
        }

        /** Ends its input and waits for it to end. */
        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Starts {@code mosquitto_sub} (MQTT 5, as {@link #TOOL_USER}, over TLS) with more arguments; it
     * prints each message's user properties and payload ({@code -F "%P|%p"}).
     */
    public Process subscribe(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/mosquitto_sub", "-V", "5", "-h", "127.0.0.1", "-p",
                Integer.toString(tlsPort), "--cafile", caFile().toString(), "-u", TOOL_USER, "-P", TOOL_PASSWORD,
                "-F", "%P|%p"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** A loopback port nobody listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
