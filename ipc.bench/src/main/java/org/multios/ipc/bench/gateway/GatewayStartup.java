package org.multios.ipc.bench.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start-up of the gateway to a ready console, and its resident memory then (printed at the end
 * of each trial), against a bare
 * Felix with SCR and the Gogo shell started the same way ({@code ipc.gateway/bare-felix.bndrun}):
 * each operation starts a runtime with a command already waiting on standard input, and ends when
 * the shell has answered it. {@code gateway} and {@code minimal} (the gateway without the HTTP
 * service and the Web Console, {@code ipc.gateway/minimal.bndrun}) start as README says, through
 * the script the build writes beside each jar (its JVM options and class-data sharing archive);
 * {@code bare-felix} starts with {@code java -jar}, and so does any runtime named with its
 * {@code .jar} ({@code -p runtime=gateway.jar}: the gateway without the script). The jars are found in
 * the folder the system property {@value #JARS} names, else in {@code ipc.gateway/target} beside
 * the folder of the benchmarks jar (build them first), wherever the benchmark is started from.
 * {@code conf=shipped} starts with a copy of the shipped {@code conf/} (the security policy a
 * deployed gateway has), {@code conf=empty} (the default) with none.
 * {@code start=first} starts in a new working directory, as a gateway's first start does (the
 * gateway jars with the prepared cache the build left beside them, {@code <name>.cache.zip}, when
 * it is there; bare Felix has none);
 * {@code start=restart} starts where the same runtime has started and stopped at its console
 * just before (not measured), as a gateway restarts: the jars keep their framework cache in the
 * working directory from one start to the next ({@code KeptCache} in ipc.gateway), and so does
 * the bare Felix jar.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Thread)
public class GatewayStartup {
    private static final String MARKER = "console-is-ready";
    /** The system property naming the folder of the exported jars. */
    static final String JARS = "ipc.gateway.jars";
    /** The system property naming the shipped configuration folder ({@code conf=shipped}). */
    static final String CONF = "ipc.gateway.conf";

    /** Which runtime starts: the gateway, the minimal gateway or the bare Felix. */
    @Param({"gateway", "minimal", "bare-felix"})
    public String runtime;

    /** A first start in a new working directory, or a restart where the runtime ran before. */
    @Param({"first", "restart"})
    public String start;

    /**
     * The working directory's {@code conf/}: {@code empty}, or {@code shipped}, a copy of the
     * gateway's shipped configuration (security policy, limits, SSH settings: what a deployed
     * gateway starts with) from the folder {@value #CONF} names, else {@code conf} beside the jars'
     * folder ({@code ipc.gateway/conf}).
     */
    @Param({"empty"})
    public String conf;

    private Path work;
    private Process process;

    private final List<Long> residentKiB = new ArrayList<>();

    @Setup(Level.Invocation)
    public void prepare() throws Exception {
        work = Files.createTempDirectory("ipc-startup");
        Files.createDirectories(work.resolve("conf"));
        if (conf.equals("shipped")) {
            copyShippedConfiguration(work.resolve("conf"));
        } else if (!conf.equals("empty")) {
            throw new IllegalArgumentException("conf is empty or shipped, not " + conf);
        }
        if (start.equals("restart")) {
            startAndAwaitConsole();
            process.getOutputStream().write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(runtime + " did not stop at 'stop 0'");
            }
            process = null;
            Files.delete(work.resolve("output.txt"));
        }
    }

    @Benchmark
    public long startToReadyConsole() throws Exception {
        long rss = startAndAwaitConsole();
        residentKiB.add(rss);
        return rss;
    }

    /** Starts the runtime in the working directory; returns its resident memory at a ready console. */
    private long startAndAwaitConsole() throws Exception {
        Path output = work.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> options = List.of("-Dorg.multios.ipc.root=" + work.resolve("ipc"), "-Dorg.osgi.service.http.port=" + freePort());
        Path script = jarFolder().resolve(runtime);
        ProcessBuilder launch;
        if (!runtime.endsWith(".jar") && Files.isRegularFile(script)) {
            launch = new ProcessBuilder(script.toString());
            launch.environment().put("JAVA", java);
            launch.environment().put("JAVA_OPTS", String.join(" ", options));
        } else {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(options);
            command.addAll(List.of("-jar", jar(runtime.endsWith(".jar") ? runtime : runtime + ".jar").toString()));
            launch = new ProcessBuilder(command);
        }
        process = launch.directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        OutputStream console = process.getOutputStream();
        console.write(("echo " + MARKER + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(output).contains(MARKER + "\n")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(runtime + " did not answer at its console:\n"
                        + Files.readString(output));
            }
            Thread.sleep(1);
        }
        return residentKiB(process.pid());
    }

    /** Copies the shipped configuration's files (not the password the Web Console made there). */
    private void copyShippedConfiguration(Path into) throws java.io.IOException {
        String named = System.getProperty(CONF);
        Path shipped = named != null ? Path.of(named) : jarFolder().getParent().resolve("conf");
        if (!Files.isDirectory(shipped)) {
            throw new IllegalStateException("conf=shipped: no folder " + shipped + " (set -D" + CONF + ")");
        }
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = into.resolve(shipped.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().equals("webconsole.password")) {
                    Files.copy(f, to);
                }
            }
        }
    }

    @TearDown(Level.Invocation)
    public void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Prints the median resident memory of the starts, for BENCHMARKS.md. */
    @TearDown(Level.Trial)
    public void report() {
        if (!residentKiB.isEmpty()) {
            List<Long> sorted = residentKiB.stream().sorted().toList();
            System.out.printf("%n%s, %s: resident memory at a ready console, median of %d starts: %.1f MiB%n",
                    runtime, start.equals("first") ? "first start" : "restart", sorted.size(), sorted.get(sorted.size() / 2) / 1024.0);
        }
    }

    /**
     * A port free now, for the HTTP service: a fixed port, as a gateway has, so that the gateway
     * starts its HTTP service at the first connection (with port 0 it starts it at once).
     */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long residentKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static Path jar(String name) {
        Path folder = jarFolder();
        Path jar = folder.resolve(name);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + name + " in " + folder + ": build the gateway first "
                    + "(mvn -B -q package -DskipTests), or name the folder of the jars with -D" + JARS);
        }
        return jar;
    }

    /** -Dipc.gateway.jars, else ipc.gateway/target beside the module whose target holds this class. */
    static Path jarFolder() {
        String property = System.getProperty(JARS);
        if (property != null) {
            return Path.of(property).toAbsolutePath();
        }
        try {
            // .../ipc.bench/target/benchmarks.jar or .../ipc.bench/target/classes
            Path here = Path.of(GatewayStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().getParent().resolveSibling("ipc.gateway").resolve("target");
        } catch (java.net.URISyntaxException | SecurityException e) {
            throw new IllegalStateException("cannot tell where the benchmarks jar is; name the folder of the "
                    + "gateway jars with -D" + JARS, e);
        }
    }
}
