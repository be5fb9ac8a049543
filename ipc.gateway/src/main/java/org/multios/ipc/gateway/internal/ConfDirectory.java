package org.multios.ipc.gateway.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

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
 * A folder another OS user could change is not used ({@link ConfFolderTrust}): File Install then
 * watches an empty folder of this bundle's, and the error says why.
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
        Path conf = choose(context.getProperty(PROPERTY), candidates(System.getProperty("java.class.path")),
                () -> refuge(context));
        System.setProperty(PROPERTY, conf.toString());
        if (Arrays.stream(context.getBundles()).anyMatch(b -> WEB_CONSOLE.equals(b.getSymbolicName()))) {
            WebConsolePassword.install(context, conf);
        }
    }

    /**
     * The folder File Install is to watch: the one given, else the first candidate that exists,
     * else the first candidate; but if another user could change that folder or its configuration
     * files ({@link ConfFolderTrust}), an empty folder of this bundle's own ({@code refuge}), so
     * that nothing is configured (no security policy: nothing is served) until an operator makes
     * it trustworthy; that is logged as an error naming the folder and why.
     */
    static Path choose(String given, List<Path> candidates, Supplier<Path> refuge) {
        Path chosen;
        if (given != null) {
            chosen = Path.of(given).toAbsolutePath();
            LOG.info("configuration folder {} (from the property {})", chosen, PROPERTY);
        } else {
            chosen = candidates.stream().filter(Files::isDirectory).findFirst().orElse(null);
            if (chosen != null) {
                LOG.info("configuration folder {} (looked in {})", chosen, candidates);
            } else {
                LOG.warn("no configuration folder: looked in {}; without the security configuration nothing is served."
                        + " Create one there, or give its place with -D{}=<folder>", candidates, PROPERTY);
                chosen = candidates.get(0);
            }
        }
        String problem = ConfFolderTrust.problem(chosen);
        if (problem == null) {
            return chosen;
        }
        Path empty = refuge.get();
        LOG.error("configuration folder {} is not used: {}; another user could set the security policy there. Nothing"
                + " is configured (no policy: nothing is served) until it is a folder of this OS user (or root) that no"
                + " other user can write, in folders no other user can write", chosen, problem);
        return empty;
    }

    /** An empty folder in this bundle's persistent storage, private to this OS user. */
    private static Path refuge(BundleContext context) {
        Path dir = context.getDataFile("no-configuration").toPath();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            LOG.error("cannot make {}: {}", dir, e.toString());
        }
        return dir;
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
