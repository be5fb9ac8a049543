package org.multios.ipc.integration;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Jar;

/**
 * Builds the fixture mechanism bundle ({@code org.multios.ipc.integration.fixture.EchoMechanism}) with bnd
 * from this module's compiled main classes, so that tests can install, uninstall and reinstall
 * a mechanism at runtime.
 */
final class FixtureBundle {
    static final String SYMBOLIC_NAME = "ipc.integration.fixture";

    private FixtureBundle() {
    }

    /** Builds the bundle into the given directory and returns its file. */
    static Path build(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve(SYMBOLIC_NAME + ".jar");
        try (Builder b = new Builder()) {
            b.setProperty(Constants.BUNDLE_SYMBOLICNAME, SYMBOLIC_NAME);
            b.setProperty(Constants.BUNDLE_VERSION, "1.0.0");
            b.setProperty(Constants.PRIVATEPACKAGE, "org.multios.ipc.integration.fixture");
            b.setProperty(Constants.REPRODUCIBLE, "true");
            b.setProperty(Constants.NOIMPORTJAVA, "true");
            b.addClasspath(new File(System.getProperty("ipc.fixture.classes")));
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                b.addClasspath(new File(entry));
            }
            try (Jar jar = b.build()) {
                if (!b.isOk()) {
                    throw new IllegalStateException("fixture bundle: " + b.getErrors());
                }
                jar.write(out.toFile());
            }
        }
        return out;
    }
}
