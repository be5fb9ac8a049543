package org.multios.ipc.gateway.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Gateway jars for the boot package's tests. */
final class TestJars {
    /** The content of the one bundle of {@link #launcherJar}, at {@code jar/b.jar}. */
    static final String BUNDLE = "bundle";

    private TestJars() {
    }

    /**
     * A gateway jar as bnd exports it, {@code gateway.jar} in {@code dir}: launcher properties,
     * the launcher's jar and one bundle, and the launcher activator's class file when
     * {@code activator} is not null.
     */
    static Path launcherJar(Path dir, String activator) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Embedded-Runpath", "jar/launcher.jar");
        Path jar = dir.resolve("gateway.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String[] entry : new String[][] {{"launcher.properties", "launch.bundles=jar/b.jar\n"},
                    {"jar/launcher.jar", "launcher"}, {"jar/b.jar", BUNDLE},
                    {KeptCache.ACTIVATOR_FOLDER + "org/multios/ipc/gateway/launched/CacheKeyActivator.class", activator}}) {
                if (entry[1] == null) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry[0]));
                out.write(entry[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }
}
