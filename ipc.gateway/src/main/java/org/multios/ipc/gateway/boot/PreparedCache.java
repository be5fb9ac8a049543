package org.multios.ipc.gateway.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The framework cache the build prepares for a gateway jar, shipped beside it as
 * {@code <name>}{@value #SUFFIX}: a first start in a new folder unpacks it into its
 * {@link KeptCache} instead of having bnd's launcher install every bundle, so the first start
 * costs what a restart does (SCR's descriptor cache included).
 * <p>
 * The file holds Felix's records of the installed bundles, bnd's digests of them, SCR's
 * descriptor cache and the jar's key, nothing else: no bundle's code (each bundle's copy is
 * taken from the gateway jar itself, by the location its record names), no Configuration Admin
 * store, no other data area (the SSH host key lives in one). Every entry's name must be one of
 * those ({@link #ENTRY}), each at most {@value #MAX_ENTRY} bytes, and the key must be the jar's
 * own, else the file is not used. It is read only when it is a regular file (not a link) of the
 * jar's owner that its group and others may not write, in a folder others may not write
 * without a sticky bit: what may change it may change the jar too. Otherwise, or when it is
 * missing, the launcher installs the bundles as before.
 */
final class PreparedCache {
    /** Appended to the jar's name less {@code .jar}. */
    static final String SUFFIX = ".cache.zip";
    /** The names a prepared cache may hold: relative to the cache, {@code /}-separated. */
    static final Pattern ENTRY = Pattern.compile(Pattern.quote(KeptCache.KEY)
            + "|bundle0/(bundle\\.id|last\\.java\\.version|\\.bnd\\.launcher/[1-9][0-9]{0,5})"
            + "|bundle[1-9][0-9]{0,5}/(bundle\\.info|version0\\.0/revision\\.location|data/componentMetadataStore)");
    /** Largest entry read. */
    static final int MAX_ENTRY = 1 << 20;
    /** Most entries read. */
    static final int MAX_ENTRIES = 1 << 12;
    private static final String BUNDLE_INFO = "/bundle.info";
    private static final String REVISION = "/version0.0/revision.location";
    /** What Felix records as the origin of a bundle installed from a stream, as bnd's launcher installs. */
    private static final String FROM_STREAM = "inputstream:";
    private static final Set<PosixFilePermission> SHIPPED = PosixFilePermissions.fromString("rw-r--r--");

    private PreparedCache() {
    }

    /**
     * The build's step: packs the cache a training start left ({@code args[0]}) into
     * {@code args[1]}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PreparedCache <framework cache> <file to write>");
        }
        pack(Path.of(args[0]), Path.of(args[1]));
    }

    /** Writes the entries of {@code cache} that a prepared cache may hold into {@code file}, mode 0644. */
    static void pack(Path cache, Path file) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.walk(cache)) {
            names = files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .map(f -> cache.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> ENTRY.matcher(n).matches()).sorted().toList();
        }
        if (!names.contains(KeptCache.KEY) || Files.size(cache.resolve(KeptCache.KEY)) == 0) {
            throw new IOException(cache + " is not a cache marked whole (no " + KeptCache.KEY + ")");
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : names) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(0);
                zip.putNextEntry(entry);
                Files.copy(cache.resolve(name), zip);
                zip.closeEntry();
            }
        }
        Files.setPosixFilePermissions(temporary, SHIPPED);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The prepared cache of {@code jar}: beside it, named like it. */
    static Path of(Path jar) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling((name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name) + SUFFIX);
    }

    /**
     * Unpacks the prepared cache of {@code jar} into {@code cache}, which holds nothing of an
     * earlier start, when there is one that may be trusted and was made for this jar.
     *
     * @param own     the gateway jar, open
     * @param key     the jar's key ({@link KeptCache#KEY})
     * @param bundles the locations of the jar's bundles (launcher property {@code launch.bundles})
     * @return whether it was unpacked: false when the jar has none
     * @throws IOException naming the file and why it was not used, the cache left empty of what
     *     was written into it
     */
    static boolean unpack(JarFile own, Path jar, Path cache, String key, Set<String> bundles) throws IOException {
        Path file = of(jar);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        checkTrust(file, jar);
        Map<String, byte[]> entries;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            entries = read(zip);
        } catch (ZipException e) {
            throw new IOException(file + " is not a readable zip file: " + e.getMessage(), e);
        }
        byte[] shippedKey = entries.remove(KeptCache.KEY);
        if (shippedKey == null || !key.equals(new String(shippedKey, StandardCharsets.UTF_8))) {
            throw new IOException(file + " was prepared for another jar than " + jar);
        }
        Map<String, String> copies = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (e.getKey().endsWith(BUNDLE_INFO)) {
                String folder = e.getKey().substring(0, e.getKey().length() - BUNDLE_INFO.length());
                String location = location(e.getValue());
                if (location == null || !bundles.contains(location) || own.getJarEntry(location) == null) {
                    throw new IOException(file + " names a bundle that is not one of the jar's in " + e.getKey());
                }
                byte[] revision = entries.get(folder + REVISION);
                if (revision == null || !FROM_STREAM.equals(new String(revision, StandardCharsets.UTF_8).trim())) {
                    throw new IOException(file + " has no bundle installed from the jar in " + folder);
                }
                copies.put(folder + "/version0.0/bundle.jar", location);
            }
        }
        for (String name : entries.keySet()) {
            String folder = name.substring(0, name.indexOf('/'));
            if (!folder.equals("bundle0") && !copies.containsKey(folder + "/version0.0/bundle.jar")) {
                throw new IOException(file + " has " + name + " without the bundle's record " + folder + BUNDLE_INFO);
            }
        }
        try {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                CacheFiles.write(cache, e.getKey(), new ByteArrayInputStream(e.getValue()));
            }
            for (Map.Entry<String, String> copy : copies.entrySet()) {
                JarEntry entry = own.getJarEntry(copy.getValue());
                try (InputStream in = own.getInputStream(entry)) {
                    CacheFiles.write(cache, copy.getKey(), in);
                }
            }
        } catch (IOException | RuntimeException e) {
            KeptCache.empty(cache);
            throw e;
        }
        return true;
    }

    /** @throws IOException naming why {@code file} may not be trusted as the prepared cache of {@code jar} */
    private static void checkTrust(Path file, Path jar) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException(file + " is not a regular file");
        }
        if (!a.owner().equals(Files.getOwner(jar, LinkOption.NOFOLLOW_LINKS))) {
            throw new IOException(file + " is owned by " + a.owner().getName() + ", not by the jar's owner");
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(file + " may be written by its group or others (" + PosixFilePermissions.toString(a.permissions()) + ")");
        }
        if (CacheFiles.writableByOthers(file.toAbsolutePath().getParent())) {
            throw new IOException(file + ": its folder may be written by its group or others and has no sticky bit");
        }
    }

    /** The entries of a prepared cache, each name checked and each size bounded. */
    private static Map<String, byte[]> read(ZipFile zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        int count = 0;
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
            ZipEntry entry = e.nextElement();
            if (++count > MAX_ENTRIES) {
                throw new IOException(zip.getName() + " holds more than " + MAX_ENTRIES + " entries");
            }
            if (entry.isDirectory()) {
                continue;
            }
            if (!ENTRY.matcher(entry.getName()).matches()) {
                refused.add(entry.getName());
                continue;
            }
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] bytes = in.readNBytes(MAX_ENTRY + 1);
                if (bytes.length > MAX_ENTRY) {
                    throw new IOException(zip.getName() + ": " + entry.getName() + " is over " + MAX_ENTRY + " bytes");
                }
                if (entries.put(entry.getName(), bytes) != null) {
                    throw new IOException(zip.getName() + " holds " + entry.getName() + " twice");
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IOException(zip.getName() + " holds entries a prepared cache may not: " + refused);
        }
        return entries;
    }

    /** The bundle's location: the second line of Felix's {@code bundle.info}. */
    private static String location(byte[] info) {
        String[] lines = new String(info, StandardCharsets.UTF_8).split("\n", 3);
        return lines.length < 2 ? null : lines[1].trim();
    }
}
