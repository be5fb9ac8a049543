package org.multios.ipc.gateway.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The file operations of the kept cache that must not let another user in: files written into it
 * are made 0600 and directories 0700, links are never followed, and a tree is made private to
 * its owner before it is trusted; and the flushes that make a key rename durable.
 */
final class CacheFiles {
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE = PosixFilePermissions.asFileAttribute(PRIVATE_DIR);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE = PosixFilePermissions.asFileAttribute(PRIVATE_FILE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** The sticky bit of a {@code unix:mode}. */
    private static final int STICKY = 01000;

    private CacheFiles() {
    }

    /**
     * Writes {@code relative} in {@code root} with mode 0600 (replacing a file there), its missing
     * parents with mode 0700.
     *
     * @throws IOException when an element of the path is a symbolic link or not a directory
     */
    static Path write(Path root, String relative, InputStream content) throws IOException {
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IOException(relative + " is not a file in " + root);
        }
        Path dir = root;
        for (Path name : root.relativize(file.getParent() == null ? root : file.getParent())) {
            if (name.toString().isEmpty()) {
                continue;
            }
            dir = dir.resolve(name);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink() || !a.isDirectory()) {
                    throw new IOException(dir + " is a symbolic link or not a directory");
                }
            } else {
                Files.createDirectory(dir, DIR_MODE);
            }
        }
        // deletes a link as a link; a new file never follows one (O_EXCL)
        Files.deleteIfExists(file);
        try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE))) {
            content.transferTo(out);
        }
        return file;
    }

    /**
     * Makes a directory the user owns mode 0700, then checks it is: the repair of a cache older
     * versions made with the umask's mode.
     *
     * @return why it cannot be made private, or null when it is
     */
    static String makePrivate(Path dir) throws IOException {
        Set<PosixFilePermission> was = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
        if (!was.equals(PRIVATE_DIR)) {
            Files.setPosixFilePermissions(dir, PRIVATE_DIR);
        }
        Set<PosixFilePermission> now = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
        return now.equals(PRIVATE_DIR) ? null
                : "its mode stays " + PosixFilePermissions.toString(now) + " after a change to rwx------";
    }

    /**
     * Takes every group and other permission off the files in a tree (its top already private).
     *
     * @return false when the tree holds a symbolic link or a file of another owner: not to be trusted
     */
    static boolean privatizeTree(Path top, UserPrincipal user) throws IOException {
        boolean[] trusted = {true};
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                return check(dir) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                return check(file) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            private boolean check(Path path) throws IOException {
                PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink() || !a.owner().equals(user)) {
                    trusted[0] = false;
                    return false;
                }
                Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
                p.addAll(a.permissions());
                if (p.removeAll(OTHERS)) {
                    Files.setPosixFilePermissions(path, p);
                }
                return true;
            }
        });
        return trusted[0];
    }

    /** Whether a directory's group or others may write to it, with no sticky bit to stop them. */
    static boolean writableByOthers(Path dir) throws IOException {
        Set<PosixFilePermission> p = Files.readAttributes(dir, PosixFileAttributes.class).permissions();
        if (!p.contains(PosixFilePermission.GROUP_WRITE) && !p.contains(PosixFilePermission.OTHERS_WRITE)) {
            return false;
        }
        try {
            return ((Integer) Files.getAttribute(dir, "unix:mode") & STICKY) == 0;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return true;
        }
    }

    /** Flushes to the disk every regular file in the {@code bundle<id>} folders of a cache. */
    static void syncBundles(Path cache) throws IOException {
        try (Stream<Path> dirs = Files.list(cache)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("bundle[0-9]+")).toList()) {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (attrs.isRegularFile()) {
                            sync(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        syncDirectory(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
        }
    }

    /** Flushes a regular file's data to the disk. */
    static void sync(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            c.force(true);
        }
    }

    /** Flushes a directory's entries to the disk where the platform allows it (Linux does). */
    static void syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // not supported on this platform: the rename is as durable as the file system makes it
        }
    }
}
