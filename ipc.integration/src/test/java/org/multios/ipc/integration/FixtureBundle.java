package org.multios.ipc.integration;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Jar;

/**
 * Builds the test bundles with bnd from this module's compiled main classes: the fixture
 * mechanism ({@code org.multios.ipc.integration.fixture.EchoMechanism}), so that tests can
 * install, uninstall and reinstall a mechanism at runtime, and the hostile bundle
 * ({@code org.multios.ipc.integration.hostile}).
 */
final class FixtureBundle {
    static final String SYMBOLIC_NAME = "ipc.integration.fixture";
    /** The hostile bundle's symbolic name: it claims to be ipc.security, which gets it nothing. */
    static final String HOSTILE_NAME = "ipc.security";

    private FixtureBundle() {
    }

    /** Builds the fixture mechanism into the given directory and returns its file. */
    static Path build(Path dir) throws Exception {
        return build(dir, SYMBOLIC_NAME, SYMBOLIC_NAME + ".jar", "org.multios.ipc.integration.fixture", Map.of());
    }

    /**
     * Builds the hostile bundle: it names itself like the security bundle (at another version),
     * declares the capability guards once declared and starts its attacks' activator.
     */
    static Path buildHostile(Path dir) throws Exception {
        return build(dir, HOSTILE_NAME, "hostile.jar", "org.multios.ipc.integration.hostile", Map.of(
                Constants.BUNDLE_ACTIVATOR, "org.multios.ipc.integration.hostile.HostileBundle",
                Constants.PROVIDE_CAPABILITY, "org.multios.ipc.guard"));
    }

    private static Path build(Path dir, String symbolicName, String file, String pkg, Map<String, String> headers)
            throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve(file);
        try (Builder b = new Builder()) {
            b.setProperty(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
            b.setProperty(Constants.BUNDLE_VERSION, headers.isEmpty() ? "1.0.0" : "99.0.0");
            b.setProperty(Constants.PRIVATEPACKAGE, pkg);
            headers.forEach(b::setProperty);
            b.setProperty(Constants.REPRODUCIBLE, "true");
            b.setProperty(Constants.NOIMPORTJAVA, "true");
            b.addClasspath(new File(System.getProperty("ipc.fixture.classes")));
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                b.addClasspath(new File(entry));
            }
            try (Jar jar = b.build()) {
                if (!b.isOk()) {
                    throw new IllegalStateException(symbolicName + " bundle: " + b.getErrors());
                }
                jar.write(out.toFile());
            }
        }
        return out;
    }
}
