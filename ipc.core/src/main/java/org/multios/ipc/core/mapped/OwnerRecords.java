package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

import org.multios.ipc.core.posix.Posix;

/**
 * The owner records of one kind of object: for each object file, {@code <root>/.owners/<kind>/<inode>},
 * a copy of its header page as its creator wrote it (IPC owner and group, creator), rewritten
 * only by a change of permissions. The directories are writable by their owner alone (see
 * {@link TrustedDirectories}), so a process that may write an object's file, but is not that OS
 * user, cannot change who owns the object (see {@link ObjectFileDescriptor}). A record is
 * written under a temporary name and renamed over the old one, so a reader sees one version.
 */
final class OwnerRecords {
    /** The directory under the IPC root that holds the records, one sub-directory per kind. */
    static final String DIRECTORY = ".owners";

    private OwnerRecords() {
    }

    /** The record of the file with {@code inode} in the kind directory {@code directory}. */
    static Path path(Path directory, long inode) {
        return records(directory).resolve(Long.toUnsignedString(inode));
    }

    private static Path records(Path kindDirectory) {
        return kindDirectory.getParent().resolve(DIRECTORY).resolve(kindDirectory.getFileName());
    }

    /** Writes (or replaces) the record of {@code inode}: the first page of {@code header}. */
    static void write(Path directory, long inode, MappedRegion header, String what) {
        write(directory, inode, header, what, null);
    }

    /**
     * As {@link #write(Path, long, MappedRegion, String)}; {@code hook} (tests) runs with the
     * temporary file as soon as it exists. The file is written through its descriptor only: in a
     * root shared with a group its members may write the records' directory.
     */
    static void write(Path directory, long inode, MappedRegion header, String what, Consumer<Path> hook) {
        byte[] page = new byte[ObjectFileDescriptor.PAGE_SIZE];
        header.getBytes(0, page, 0, page.length);
        Path records = records(directory);
        TrustedDirectories.ensure(records);
        try (FreshFile fresh = FreshFile.make(records, ".", what, hook,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))) {
            Files.setPosixFilePermissions(fresh.file(), PosixFilePermissions.fromString("rw-r--r--"));
            try (FileChannel ch = FileChannel.open(fresh.file(), StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(page);
                while (b.hasRemaining()) {
                    ch.write(b, b.position());
                }
            }
            Files.move(fresh.name(), path(directory, inode), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            fresh.moved();
        } catch (IOException e) {
            throw ObjectDirectory.io(what + ": cannot record its owner in " + records, e);
        }
    }

    /**
     * The record of {@code inode}, or null when there is none, or when it is not a regular file
     * of a trusted user (then it is not believed).
     */
    static MappedRegion read(Path directory, long inode) {
        Path p = path(directory, inode);
        int fd = Posix.openNoFollow(p, false);
        if (fd < 0) {
            return null;
        }
        try {
            Path self = Path.of("/proc/self/fd", Integer.toString(fd));
            if (!TrustedDirectories.isTrusted(Files.readAttributes(self, PosixFileAttributes.class))) {
                return null;
            }
            try (FileChannel ch = FileChannel.open(self, StandardOpenOption.READ)) {
                if (ch.size() < ObjectFileDescriptor.PAGE_SIZE) {
                    return null;
                }
                return MappedRegion.snapshot(ch, ObjectFileDescriptor.PAGE_SIZE);
            }
        } catch (IOException e) {
            return null;
        } finally {
            Posix.close(fd);
        }
    }

    /** Removes the record of {@code inode}; none is no error. */
    static void delete(Path directory, long inode) {
        ObjectDirectory.deleteQuietly(path(directory, inode));
    }
}
