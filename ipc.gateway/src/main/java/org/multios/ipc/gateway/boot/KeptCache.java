package org.multios.ipc.gateway.boot;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The main class of the gateway jars: a restart finds the framework cache of its last run and
 * reuses it, instead of installing every bundle into a fresh cache. The cache is
 * {@value #FOLDER} in the working directory; it is reused only when it was made by a jar with
 * exactly these entries (name, size and CRC of each, from the jar's directory, written in
 * {@value #KEY}) and holds no bundle but the jar's own (a bundle installed at the console is
 * gone at the next start, as with a fresh cache). Anything else, a new jar with one bundle
 * changed included, empties it first. Configuration Admin keeps its store in
 * {@value #CONFIG_FOLDER} of the cache, emptied at every start: configurations come from the
 * configuration folder only, as before. Then bnd's launcher starts, from the cache too: bnd
 * compares each bundle's digest with the one it stored at install, and this class gives it the
 * entry's size and CRC as that digest.
 * <p>
 * The jar starts with a fresh cache of its own, as bnd's launcher makes it, when another running
 * gateway holds the cache ({@value #LOCK}), when {@code org.osgi.framework.storage} or
 * {@code launch.storage.dir} names another, with {@code -D}{@value #SWITCH}{@code =fresh}, or
 * when the working directory is not writable.
 * <p>
 * The cache is made with mode 0700, so the bundles' data areas and Configuration Admin's store in
 * it are private to the user too. A cache is used only when its folder (the working directory) is
 * not writable by its group or others, or has the sticky bit, and, read without following links,
 * it is a directory (not a symbolic link) owned by the user running the jar, not writable by its
 * group or others, and either empty or holding {@value #KEY}; otherwise the jar starts with a
 * fresh cache, names the directory and the reason in one warning line, and leaves the directory
 * as it is. A cache its group or others may only read or search (older versions made it with the
 * umask's mode) is made 0700, and every file in it loses its group and other permissions before
 * the key is compared; one holding a symbolic link or another user's file is emptied. Every file
 * the jar writes into the cache is made 0600 (its folders 0700), without following a link on
 * the way; the launcher activator is loaded from it before bnd's launcher starts, and if it
 * cannot be, or the cache directory was replaced meanwhile, the jar starts with a fresh cache.
 * Emptying the cache deletes symbolic links in it as links, never what they point to.
 * <p>
 * The key names the jar only while the cache is known whole: every start first leaves the key
 * empty (the gateway's mark, matching no jar) and writes the jar's key to {@value #NEXT_KEY};
 * bnd's launcher, once it has installed every bundle and started the framework, runs
 * {@code CacheKeyActivator} (launcher property {@code launch.activators}), which moves that file
 * over the key ({@link #complete}) once the bundles' files and that file are flushed to the disk.
 * A start ended before that point, killed while Felix copies a bundle included, leaves a key that
 * matches no jar, and the next start empties the cache. A bundle updated at the console is not
 * covered: a gateway killed while Felix copies the new revision keeps the cache as it is.
 */
public final class KeptCache {
    /** The cache's folder, in the working directory (not Felix's default, so never another's cache). */
    static final String FOLDER = "ipc-gateway-cache";
    /** The file in the cache naming the jar entries it was made from. */
    static final String KEY = "ipc-jar.key";
    /** The key of the start under way, moved over {@value #KEY} once the framework started. */
    static final String NEXT_KEY = "ipc-jar.key.next";
    /** The lock a running gateway holds on its cache. */
    static final String LOCK = "ipc-jar.lock";
    /** Configuration Admin's store in the cache, emptied at every start. */
    static final String CONFIG_FOLDER = "configadmin";
    /** The system property that turns the kept cache off ({@code fresh}). */
    static final String SWITCH = "org.multios.ipc.gateway.cache";
    private static final String LAUNCHER = "aQute.launcher.pre.EmbeddedLauncher";
    private static final String RUNPATH = "Embedded-Runpath";
    /** The manifest attribute bnd's launcher reads a bundle's digest from (an opaque string to it). */
    private static final String DIGEST = "SHA-256-Digest";
    /**
     * Where the gateway jar (and the cache it is extracted to) holds the class of bnd's launcher
     * activator that calls {@link #complete}: outside the jar's class path, so that the launcher's
     * class loader, which sees the framework's API, defines it.
     */
    static final String ACTIVATOR_FOLDER = "launcher-activator/";
    /** Set in the properties {@link #fill} returns when the last run's cache was kept. */
    static final String KEPT = "ipc.gateway.cache.kept";
    /** Set in the properties {@link #fill} returns when the jar's {@link PreparedCache} was unpacked. */
    static final String PREPARED = "ipc.gateway.cache.prepared";
    private static final String ACTIVATOR = "org.multios.ipc.gateway.launched.CacheKeyActivator";

    private KeptCache() {
    }

    /** Starts the gateway, with its kept cache when it may. */
    public static void main(String[] args) throws Throwable {
        Path jar = ownJar();
        if (jar == null || "fresh".equals(System.getProperty(SWITCH))
                || System.getProperty("org.osgi.framework.storage") != null
                || System.getProperty("launch.storage.dir") != null) {
            freshStart(args);
            return;
        }
        Path cache = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve(FOLDER);
        FileChannel lockFile;
        Object fileKey;
        try {
            String refusal = refusal(cache);
            if (refusal != null) {
                warn(cache, refusal);
                freshStart(args);
                return;
            }
            fileKey = Files.readAttributes(cache, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            lockFile = FileChannel.open(cache.resolve(LOCK),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(CacheFiles.PRIVATE_FILE));
        } catch (IOException | RuntimeException e) {
            warn(cache, e.toString());
            freshStart(args);
            return;
        }
        FileLock lock;
        try {
            lock = tryLock(lockFile);
        } catch (IOException e) {
            lockFile.close();
            warn(cache, "no lock on " + LOCK + ": " + e);
            freshStart(args);
            return;
        }
        try (lockFile; lock) {
            if (lock == null) {
                freshStart(args);
                return;
            }
            ClassLoader launcher;
            try (JarFile own = new JarFile(jar.toFile(), false)) {
                launcher = prepare(own, cache, fileKey, KeptCache.class.getClassLoader());
            } catch (IOException | RuntimeException | ReflectiveOperationException | LinkageError e) {
                warn(cache, e.toString());
                lock.release();
                freshStart(args);
                return;
            }
            // bnd's launcher ends the JVM itself; the lock is held until then
            MethodHandles.publicLookup()
                    .findStatic(launcher.loadClass("aQute.launcher.Launcher"), "main",
                            MethodType.methodType(void.class, String[].class))
                    .invoke(args);
        }
    }

    /**
     * Why the cache may not be used, or null when it may; makes it, with mode 0700, when missing.
     * Changes an existing directory only by taking its group's and others' read and search
     * permissions off (mode 0700, the mode older versions did not set).
     */
    static String refusal(Path cache) throws IOException {
        Path workingDir = cache.toAbsolutePath().getParent();
        if (CacheFiles.writableByOthers(workingDir)) {
            return "its folder " + workingDir + " may be written by its group or others and has no sticky bit";
        }
        try {
            Files.createDirectory(cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // checked below, as any existing one
        }
        PosixFileAttributes attributes = Files.readAttributes(cache, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            return "it is a symbolic link";
        }
        if (!attributes.isDirectory()) {
            return "it is not a directory";
        }
        UserPrincipal user = currentUser();
        if (!attributes.owner().equals(user)) {
            return "it is owned by " + attributes.owner().getName() + ", not " + user.getName();
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return "its group or others may write to it (" + PosixFilePermissions.toString(permissions) + ")";
        }
        if (!Files.isRegularFile(cache.resolve(KEY), LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> files = Files.list(cache)) {
                if (files.anyMatch(f -> !f.getFileName().toString().equals(LOCK))) {
                    return "it holds files but no " + KEY + ", so it is not the gateway's cache";
                }
            }
        }
        return CacheFiles.makePrivate(cache);
    }

    /** The user running the JVM: the owner of a file it makes. */
    private static UserPrincipal currentUser() throws IOException {
        Path probe = Files.createTempFile("ipc-gateway-owner", ".tmp");
        try {
            return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.delete(probe);
        }
    }

    private static void warn(Path cache, String reason) {
        System.err.println("gateway: WARNING: not using the framework cache " + cache + " (" + reason + "): a fresh one");
    }

    /**
     * Makes the cache fit for this jar and returns the class loader of bnd's launcher in it, with
     * the launcher activator already loaded from the cache. Sets the launcher's system properties
     * last: a failure before leaves them unset, so that a fresh start does not use this cache.
     *
     * @param fileKey the cache directory's file key when it was checked
     * @param parent the parent of the launcher's class loader
     */
    static ClassLoader prepare(JarFile own, Path cache, Object fileKey, ClassLoader parent) throws IOException, ReflectiveOperationException {
        Manifest manifest = own.getManifest();
        String runpath = manifest == null ? null : manifest.getMainAttributes().getValue(RUNPATH);
        if (runpath == null) {
            throw new IOException("no " + RUNPATH + " in the jar's manifest");
        }
        // extracted like the runpath: a folder costs the launcher's class loader one look-up per
        // class it does not find, where the jar itself would cost a jar URL connection each
        String activator = ACTIVATOR_FOLDER + ACTIVATOR.replace('.', '/') + ".class";
        JarEntry entry = own.getJarEntry(activator);
        if (entry == null) {
            throw new IOException("no " + activator + " in the jar");
        }
        List<URL> classPath = new ArrayList<>();
        Properties launch = fill(own, cache, manifest, runpath, classPath);
        JdkWarmUp.startIfAsked(launch);
        try (InputStream in = own.getInputStream(entry)) {
            CacheFiles.write(cache, activator, in);
        }
        classPath.add(cache.resolve(ACTIVATOR_FOLDER).toUri().toURL());
        Object now = Files.readAttributes(cache, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (fileKey == null || !fileKey.equals(now)) {
            throw new IOException("the directory was replaced while the gateway filled it");
        }
        URLClassLoader loader = new URLClassLoader(classPath.toArray(URL[]::new), parent);
        try {
            // loaded now, from the private cache, so that no later change to the file matters and
            // a class that cannot be loaded means a fresh start, not a failed one
            Class.forName(ACTIVATOR, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            loader.close();
            throw new IOException("the launcher activator " + ACTIVATOR + " cannot be loaded: " + e, e);
        }
        Class.forName(LAUNCHER).getField("MANIFEST").set(null, manifest);
        String configDir = System.getProperty("felix.cm.dir");
        if (configDir == null) {
            Path config = cache.resolve(CONFIG_FOLDER);
            delete(config);
            System.setProperty("felix.cm.dir", config.toString());
        }
        System.setProperty("launch.activators",
                activators(System.getProperty("launch.activators", launch.getProperty("launch.activators"))));
        System.setProperty("launch.keep", "true");
        System.setProperty("org.osgi.framework.storage.clean", "none");
        System.setProperty("launch.storage.dir", cache.toString());
        return loader;
    }

    /** The launcher's activators: the ones already named, then the one that marks the cache whole. */
    static String activators(String existing) {
        if (existing == null || existing.isBlank()) {
            return ACTIVATOR;
        }
        for (String name : existing.split(",")) {
            if (name.trim().equals(ACTIVATOR)) {
                return existing;
            }
        }
        return existing + "," + ACTIVATOR;
    }

    /**
     * Empties the cache unless its key names this jar, leaves it marked as unfinished until
     * {@link #complete}, and extracts the launcher's jars (the runpath) into it, adding them to
     * the class path. Gives each jar entry its size and CRC as its digest in the manifest.
     *
     * @return the jar's launcher properties; {@link #KEPT} is set in them when the cache of the
     *     last run was kept
     */
    static Properties fill(JarFile own, Path cache, Manifest manifest, String runpath, List<URL> classPath) throws IOException {
        Properties launch = new Properties();
        JarEntry properties = own.getJarEntry("launcher.properties");
        if (properties == null) {
            throw new IOException("no launcher.properties in the jar");
        }
        try (InputStream in = own.getInputStream(properties)) {
            launch.load(in);
        }
        String[] paths = runpath.split("\\s*,\\s*");
        for (String path : paths) {
            if (own.getJarEntry(path) == null) {
                throw new IOException("no " + path + " in the jar");
            }
        }
        StringBuilder key = new StringBuilder();
        for (Enumeration<JarEntry> e = own.entries(); e.hasMoreElements();) {
            JarEntry entry = e.nextElement();
            String digest = Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
            key.append(entry.getName()).append(' ').append(digest).append('\n');
            manifest.getEntries().computeIfAbsent(entry.getName(), n -> new Attributes()).putValue(DIGEST, digest);
        }
        Path keyFile = cache.resolve(KEY);
        // a tree another user could write to (older versions made it with the umask's modes) is
        // made private first; one holding a link or another's file is emptied
        boolean kept = CacheFiles.privatizeTree(cache, Files.getOwner(cache, LinkOption.NOFOLLOW_LINKS))
                && Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)
                && Files.readString(keyFile, StandardCharsets.UTF_8).contentEquals(key)
                && onlyOwnBundles(cache, launch);
        boolean prepared = false;
        if (!kept) {
            empty(cache);
            try {
                prepared = PreparedCache.unpack(own, Path.of(own.getName()), cache, key.toString(), bundles(launch));
            } catch (IOException e) {
                System.err.println("gateway: WARNING: not using a prepared cache (" + e.getMessage() + "): installing the bundles");
            }
        }
        // marks the directory as the gateway's but unfinished (an empty key matches no jar) while
        // the launcher may install bundles into it, a restart's too (one uninstalled at the console)
        CacheFiles.write(cache, KEY, InputStream.nullInputStream());
        CacheFiles.write(cache, NEXT_KEY, new ByteArrayInputStream(key.toString().getBytes(StandardCharsets.UTF_8)));
        for (String path : paths) {
            // always extracted: a few hundred kilobytes, never a damaged launcher from the last run
            try (InputStream in = own.getInputStream(own.getJarEntry(path))) {
                classPath.add(CacheFiles.write(cache, path, in).toUri().toURL());
            }
        }
        if (kept) {
            launch.setProperty(KEPT, "true");
        }
        if (prepared) {
            launch.setProperty(PREPARED, "true");
        }
        return launch;
    }

    /**
     * Marks the cache whole: called once the framework has started with every bundle installed.
     * Moves {@value #NEXT_KEY} over {@value #KEY} in one step, so a start ended at any point
     * leaves either the unfinished mark or the whole key.
     */
    public static void complete(Path cache) throws IOException {
        // the bundles and the key reach the disk before the rename that names them whole does
        CacheFiles.syncBundles(cache);
        CacheFiles.sync(cache.resolve(NEXT_KEY));
        if (Thread.currentThread().isInterrupted()) {
            throw new IOException("stopped before the key was moved");
        }
        Files.move(cache.resolve(NEXT_KEY), cache.resolve(KEY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CacheFiles.syncDirectory(cache);
    }

    /**
     * Whether every bundle in Felix's cache (its {@code bundle<id>/bundle.info}, the location on
     * its second line) is one of the jar's.
     */
    private static boolean onlyOwnBundles(Path cache, Properties launch) throws IOException {
        Set<String> own = bundles(launch);
        try (Stream<Path> dirs = Files.list(cache)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("bundle[1-9][0-9]*")).toList()) {
                Path info = dir.resolve("bundle.info");
                if (!Files.isRegularFile(info)) {
                    return false;
                }
                try (BufferedReader r = Files.newBufferedReader(info, StandardCharsets.UTF_8)) {
                    r.readLine();
                    if (!own.contains(r.readLine())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The locations of the jar's bundles: its launcher property {@code launch.bundles}. */
    private static Set<String> bundles(Properties launch) {
        return new HashSet<>(List.of(launch.getProperty("launch.bundles", "").split("\\s*,\\s*")));
    }

    /** Deletes everything in the cache but the lock and the key. */
    static void empty(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals(LOCK)
                    && !f.getFileName().toString().equals(KEY)).toList()) {
                delete(f);
            }
        }
    }

    /** Deletes a file or a tree, symbolic links as links: never what a link points to. */
    private static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static FileLock tryLock(FileChannel file) throws IOException {
        try {
            return file.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** bnd's launcher as the jar would start without this class: a fresh cache of its own. */
    private static void freshStart(String[] args) throws Throwable {
        MethodHandles.publicLookup()
                .findStatic(Class.forName(LAUNCHER), "main", MethodType.methodType(void.class, String[].class))
                .invoke(args);
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(KeptCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
