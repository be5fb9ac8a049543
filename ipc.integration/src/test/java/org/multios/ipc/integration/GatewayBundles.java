package org.multios.ipc.integration;

import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.multios.ipc.spi.TrustedBundles;
import org.ops4j.pax.exam.Option;

/**
 * The bundle set of the gateway, taken from the resolved {@code gateway.jar} that ipc.gateway
 * exports, so that the tests run exactly what the gateway runs (one source: gateway.bndrun).
 * The bundles are extracted once into the work directory and provisioned by file URL, with the
 * start levels the gateway gives them; the logging stack is lowered to level 1 because Pax
 * Exam's own bundles, which log, start at level 2.
 */
final class GatewayBundles {
    private static final Pattern ATTRS = Pattern.compile("([^;,]+);version=\"[^\"]*\";startlevel=(\\d+)");

    /** The gateway's bundles on its trusted list (gateway.bndrun). */
    private static final List<String> TRUSTED = List.of("ipc.security", "ipc.net", "ipc.shm", "ipc.sync",
            "ipc.channels", "ipc.console", "ipc.shell");

    private final Path workDir;
    private final Properties launch = new Properties();
    private final Map<String, Path> bySymbolicName = new HashMap<>();
    private final Map<String, Integer> startLevels = new HashMap<>();
    /** Fragments (the logging provider's, of slf4j-api) are installed, not started: they cannot be. */
    private final Set<String> fragments = new HashSet<>();

    GatewayBundles(Path gatewayJar, Path workDir) {
        this.workDir = workDir;
        try (JarFile jar = new JarFile(gatewayJar.toFile())) {
            try (InputStream in = jar.getInputStream(jar.getEntry("launcher.properties"))) {
                launch.load(in);
            }
            Matcher m = ATTRS.matcher(launch.getProperty("launch.runbundles.attrs"));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
                startLevels.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            String[] paths = launch.getProperty("launch.bundles").split(",");
            Files.createDirectories(workDir);
            for (int i = 0; i < paths.length; i++) {
                Path target = workDir.resolve(Path.of(paths[i]).getFileName().toString());
                try (InputStream in = jar.getInputStream(jar.getEntry(paths[i]))) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                bySymbolicName.put(names.get(i), target);
                try (JarFile bundle = new JarFile(target.toFile())) {
                    if (bundle.getManifest().getMainAttributes().getValue("Fragment-Host") != null) {
                        fragments.add(names.get(i));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gateway jar " + gatewayJar
                    + "; build ipc.gateway first", e);
        }
    }

    /** The gateway jar named by the system property {@code ipc.gateway.jar}. */
    static GatewayBundles fromSystemProperties() {
        return new GatewayBundles(Path.of(System.getProperty("ipc.gateway.jar")),
                Path.of(System.getProperty("ipc.work.dir")).resolve("bundles"));
    }

    /** Provisioning options for every gateway bundle. */
    Option[] options() {
        List<Option> options = new ArrayList<>();
        bySymbolicName.forEach((name, path) -> {
            int level = startLevels.get(name) <= 2 ? 1 : startLevels.get(name);
            options.add(bundle(path.toUri().toString()).startLevel(level).start(!fragments.contains(name)));
        });
        return options.toArray(Option[]::new);
    }

    /**
     * The value of {@value TrustedBundles#PROPERTY} for the tests, as the gateway sets it: the
     * platform's bundles and the fixture mechanism, each by the location it is provisioned from
     * and its symbolic name; also the location {@code reinstalled:*} under which tests install
     * them again.
     */
    String trustedBundles(Path fixture) {
        StringBuilder s = new StringBuilder();
        for (String name : TRUSTED) {
            s.append(file(name).toUri()).append(";name=").append(name).append(',');
        }
        s.append(fixture.toUri()).append(";name=").append(FixtureBundle.SYMBOLIC_NAME);
        for (String name : TRUSTED) {
            s.append(",reinstalled:*;name=").append(name);
        }
        return s.append(",reinstalled:*;name=").append(FixtureBundle.SYMBOLIC_NAME).toString();
    }

    /**
     * The JDK packages the gateway adds to the system bundle's exports (-runsystempackages): the
     * launcher's list without the OSGi framework's own packages. (Pax Exam's system package
     * option, not the framework property, which would replace the packages Pax Exam adds.)
     */
    String[] systemPackagesExtra() {
        List<String> extra = new ArrayList<>();
        for (String clause : launch.getProperty("launch.system.packages").split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            String name = clause.split(";", 2)[0].strip();
            if (!name.startsWith("org.osgi.")) {
                extra.add(name);
            }
        }
        return extra.toArray(String[]::new);
    }

    /** The file of one gateway bundle, for tests that install it again. */
    Path file(String symbolicName) {
        Path p = bySymbolicName.get(symbolicName);
        if (p == null) {
            throw new IllegalArgumentException(symbolicName + " is not in the gateway; it has " + bySymbolicName.keySet());
        }
        return p;
    }

    /** The highest start level the gateway uses. */
    int highestStartLevel() {
        return startLevels.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    Path workDir() {
        return workDir;
    }
}
