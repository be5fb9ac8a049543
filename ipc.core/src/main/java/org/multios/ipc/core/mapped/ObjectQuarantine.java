package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;

/**
 * Objects' files moved aside for removal, under hidden names {@code .gc.<name>.<random>} of their
 * own directory: a collector moves a file it judged unused aside in one {@code rename} (no
 * process opens it by its name any more), checks it is the file judged, judges it again, and
 * deletes it or puts it back ({@code link}, which never replaces a name taken meanwhile).
 */
public final class ObjectQuarantine {
    private static final String PREFIX = ".gc.";

    private final ObjectDirectory directory;

    /** The quarantine of one object directory. */
    public ObjectQuarantine(ObjectDirectory directory) {
        this.directory = directory;
    }

    /**
     * An object's file moved aside under a hidden name of its directory, for removal.
     *
     * @param name    the object's name, to which it may be restored
     * @param path    its hidden path now
     * @param fileKey the identity (device and inode) of the file moved
     * @param device  its device ({@code st_dev})
     * @param inode   its inode number
     */
    public record Quarantined(String name, Path path, Object fileKey, long device, long inode) {
    }

    /**
     * Moves whatever the name leads to now (a link is moved, not followed) to a hidden name in the
     * same directory, in one {@code rename}: no process opens it by its name any more.
     *
     * @throws IpcException NOT_FOUND if the name is gone; IO_ERROR if the system refuses
     */
    public Quarantined quarantine(String name) {
        Path p = directory.path(name);
        Path hidden = directory.directory().resolve(PREFIX + name + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            Files.move(p, hidden, StandardCopyOption.ATOMIC_MOVE);
            return quarantined(name, hidden);
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(directory.type(), name);
        } catch (IOException e) {
            throw ObjectDirectory.io(directory.type().label() + " '" + name + "': cannot move " + p + " aside", e);
        }
    }

    /** Files left moved aside (by a collection that ended before restoring or removing them). */
    public List<Quarantined> quarantined() {
        List<Quarantined> found = new ArrayList<>();
        if (!Files.isDirectory(directory.directory())) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.directory(), PREFIX + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                int end = n.lastIndexOf('.');
                String name = end > PREFIX.length() ? n.substring(PREFIX.length(), end) : "";
                if (IpcNames.isValid(name)) {
                    try {
                        found.add(quarantined(name, f));
                    } catch (NoSuchFileException gone) {
                        // removed or restored meanwhile
                    }
                }
            }
        } catch (IOException e) {
            throw ObjectDirectory.io("cannot list " + directory.directory(), e);
        }
        return found;
    }

    private static Quarantined quarantined(String name, Path hidden) throws IOException {
        Map<String, Object> a = Files.readAttributes(hidden, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        Object key = Files.readAttributes(hidden, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return new Quarantined(name, hidden, key, ((Number) a.get("dev")).longValue(),
                ((Number) a.get("ino")).longValue());
    }

    /**
     * A copy of the first {@code length} bytes of a file moved aside, as {@link ObjectDirectory#snapshot(String, int)}.
     *
     * @throws IpcException NOT_FOUND if it is gone; CORRUPTED, BUSY, IO_ERROR as there
     */
    public ObjectDirectory.Opened snapshot(Quarantined q, int length) {
        return directory.snapshot(q.path(), q.name(), length);
    }

    /** Removes a file moved aside, and its owner record; one already gone is no error. */
    public void delete(Quarantined q) {
        try {
            Files.deleteIfExists(q.path());
            OwnerRecords.delete(directory.directory(), q.inode());
        } catch (IOException e) {
            throw ObjectDirectory.io(directory.type().label() + " '" + q.name() + "': cannot remove " + q.path(), e);
        }
    }

    /**
     * Puts a file moved aside back under its name ({@code link}, which never replaces), then
     * removes its hidden name. If the name was taken meanwhile, the file stays aside and a later
     * collection looks at it again.
     *
     * @return whether it is back under its name
     */
    public boolean restore(Quarantined q) {
        try {
            Files.createLink(directory.path(q.name()), q.path());
        } catch (FileAlreadyExistsException | NoSuchFileException taken) {
            return false;
        } catch (IOException e) {
            throw ObjectDirectory.io(directory.type().label() + " '" + q.name() + "': cannot restore " + q.path(), e);
        }
        ObjectDirectory.deleteQuietly(q.path());
        return true;
    }
}
