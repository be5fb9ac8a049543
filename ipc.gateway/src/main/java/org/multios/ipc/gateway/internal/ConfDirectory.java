package org.multios.ipc.gateway.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the gateway's configuration folder before File Install starts (this bundle starts
 * at an earlier start level) and says where it looked: {@code felix.fileinstall.dir} when given
 * (framework or system property), else {@code conf/} in the working directory, else
 * {@code conf/} next to the gateway jar or next to its folder. File Install reads the
 * choice as the system property {@code felix.fileinstall.dir}, which the framework consults when its own properties lack it.
 * It then gives the Web Console its password ({@link WebConsolePassword}), also before the Web
 * Console starts; a gateway without the Web Console (the minimal one) keeps no password.
 */
public final class ConfDirectory implements BundleActivator {
    /** File Install's property naming the folder it watches. */
    static final String PROPERTY = "felix.fileinstall.dir";
    /** The Felix Web Console's bundle. */
    private static final String WEB_CONSOLE = "org.apache.felix.webconsole";

    private static final Logger LOG = LoggerFactory.getLogger(ConfDirectory.class);

    @Override
    public void start(BundleContext context) {
        Path conf = choose(context);
        if (Arrays.stream(context.getBundles()).anyMatch(b -> WEB_CONSOLE.equals(b.getSymbolicName()))) {
            WebConsolePassword.install(context, conf);
        }
    }

    private static Path choose(BundleContext context) {
        String given = context.getProperty(PROPERTY);
        if (given != null) {
            LOG.info("configuration folder {} (from the property {})", Path.of(given).toAbsolutePath(), PROPERTY);
            return Path.of(given).toAbsolutePath();
        }
        List<Path> candidates = candidates(System.getProperty("java.class.path"));
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                LOG.info("configuration folder {} (looked in {})", c, candidates);
                System.setProperty(PROPERTY, c.toString());
                return c;
            }
        }
        LOG.warn("no configuration folder: looked in {}; without the security configuration nothing is served."
                + " Create one there, or give its place with -D{}=<folder>", candidates, PROPERTY);
        System.setProperty(PROPERTY, candidates.get(0).toString());
        return candidates.get(0);
    }

    @Override
    public void stop(BundleContext context) {
        // the choice stays for File Install's lifetime
    }

    /**
     * {@code conf/} in the working directory, then next to the jar the JVM was started with, then
     * next to the jar's folder (the build's {@code ipc.gateway/conf} for {@code target/gateway.jar}).
     */
    static List<Path> candidates(String classPath) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("conf").toAbsolutePath().normalize());
        if (classPath != null && classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            Path jarFolder = Path.of(classPath).toAbsolutePath().normalize().getParent();
            for (Path folder : new Path[] {jarFolder, jarFolder.getParent()}) {
                if (folder != null && !candidates.contains(folder.resolve("conf"))) {
                    candidates.add(folder.resolve("conf"));
                }
            }
        }
        return candidates;
    }
}
