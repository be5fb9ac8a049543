package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.core.posix.Posix;
import org.multios.ipc.spi.CallerContext;

/**
 * The directory of one kind of named object under the IPC root ({@code <root>/<type label>}):
 * each object is one file named after it. Names are validated before any file is touched.
 * Files are created with the object's mode set explicitly after creation (so the umask does not
 * change it) and with its owner and group, so that the operating system enforces access for
 * other processes. A new file is written in full under a hidden temporary name and then linked
 * to its name, which both makes creation exclusive and keeps half-made files invisible.
 *
 * <p>Every operation first checks the IPC root and the kind directory (see
 * {@link #verifyDirectories()}); files are opened without following links and the opened
 * descriptor is checked to be the file whose attributes were read; a file's size is checked
 * against its header and the caller's bound before anything is mapped. The IPC owner, group
 * and creator of an object are read from its owner record, which only the directory's OS user
 * can write ({@link ObjectOwners}, {@link ObjectFileDescriptor}).
 */
public final class ObjectDirectory {
    /** Opens tried before a name that keeps changing is given up. */
    static final int OPEN_ATTEMPTS = 8;

    private final ObjectType type;
    private final Path directory;
    private volatile Runnable openHook;
    private volatile Consumer<Path> createHook;
    private volatile Consumer<Path> recordHook;

    /** The directory of {@code type} under the environment's root; made on first use. */
    public ObjectDirectory(IpcEnvironment environment, ObjectType type) {
        this.type = type;
        this.directory = environment.directory(type);
    }

    /** Installs a test hook run between reading a name's attributes and opening it (null: none). */
    void openHook(Runnable hook) {
        this.openHook = hook;
    }

    /** Installs a test hook run with a new object's temporary file as soon as it exists (null: none). */
    void createHook(Consumer<Path> hook) {
        this.createHook = hook;
    }

    /** Installs a test hook run with a new object's owner record's temporary file as soon as it exists (null: none). */
    void recordHook(Consumer<Path> hook) {
        this.recordHook = hook;
    }

    /** The kind of object kept here. */
    public ObjectType type() {
        return type;
    }

    /** The directory itself. */
    public Path directory() {
        return directory;
    }

    /** The object as attach messages name it, as its mechanism does: "queue 'jobs'", "shared memory 'frames'". */
    String what(String name) {
        return (type == ObjectType.SHARED_MEMORY ? "shared memory" : type.label()) + " '" + name + "'";
    }

    /**
     * The file of a named object.
     *
     * @throws IpcException INVALID_ARGUMENT for an invalid name
     */
    public Path path(String name) {
        return directory.resolve(IpcNames.requireValid(type, name));
    }

    /**
     * Checks the IPC root and this kind's directory, where they exist: each must be a real
     * directory (not a symbolic link) of this process's OS user that no other user can write
     * (unless it belongs to the shared group an operator configured).
     *
     * @return whether both exist
     * @throws IpcException PERMISSION_DENIED naming the directory, its owner and mode
     */
    public boolean verifyDirectories() {
        return TrustedDirectories.verify(directory);
    }

    /**
     * Makes the IPC root and this kind's directory where they are missing, then checks them as
     * {@link #verifyDirectories()}.
     *
     * @throws IpcException PERMISSION_DENIED as there; IO_ERROR if they cannot be made
     */
    public void prepareDirectories() {
        TrustedDirectories.ensure(directory);
    }

    /** The names of the objects present now, sorted; hidden temporary files are left out. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        if (!verifyDirectories()) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".") && IpcNames.isValid(n)) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw io("cannot list " + directory, e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Describes each object present now ({@link #names}) with {@code describe}, into {@code into};
     * a name whose description fails with an IpcException (unlinked meanwhile, foreign, not the
     * caller's to read) is passed over.
     */
    public <T> void describeEach(Function<String, ? extends T> describe, List<? super T> into) {
        for (String name : names()) {
            try {
                into.add(describe.apply(name));
            } catch (IpcException gone) {
                // unlinked meanwhile, foreign or unreadable
            }
        }
    }

    /**
     * A freshly created file, mapped read-write.
     *
     * @param path    its path; null for an unnamed file
     * @param fileKey its identity (device and inode) for comparisons
     * @param inode   its inode number: unique while the file or a mapping of it lives
     */
    public record Created(Path path, MappedRegion region, Object fileKey, long inode) {
    }

    /**
     * Creates the file of a new object exclusively: a temporary file of {@code length} bytes,
     * storage reserved, mode, owner and group set, mapped, filled in by {@code initializer},
     * then linked to its name.
     *
     * @throws IpcException ALREADY_EXISTS if the name is taken; IO_ERROR if the file system
     *                      refuses (full, read-only, an owner or group that does not exist)
     */
    public Created create(String name, long length, Permissions permissions, Consumer<MappedRegion> initializer) {
        Path target = path(name);
        prepareDirectories();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw IpcException.alreadyExists(type, name);
        }
        String what = type.label() + " '" + name + "'";
        long recorded = -1;
        try (FreshFile fresh = FreshFile.make(directory, "." + name + ".", what, createHook)) {
            FilePermissions.apply(fresh.file(), permissions, what);
            Created created = allocateAndMap(fresh.file(), length, what);
            new ObjectFileHeader(created.region()).owner(permissions.owner(), permissions.group());
            initializer.accept(created.region());
            OwnerRecords.write(directory, created.inode(), created.region(), what, recordHook);
            recorded = created.inode();
            Files.createLink(target, fresh.name());
            if (nameInode(target) != created.inode()) {
                deleteQuietly(target);
                throw new IpcException(IpcError.BUSY, what + ": its new file " + fresh.name() + " was replaced before "
                        + "it was linked to " + target);
            }
            created.region().origin(target, created.inode());
            recorded = -1;
            return new Created(target, created.region(), created.fileKey(), created.inode());
        } catch (FileAlreadyExistsException e) {
            throw IpcException.alreadyExists(type, name);
        } catch (IOException e) {
            throw io(what + ": cannot create " + target, e);
        } finally {
            if (recorded >= 0) {
                OwnerRecords.delete(directory, recorded);
            }
        }
    }

    /**
     * Creates an anonymous file of {@code length} bytes, storage reserved, mapped read-write,
     * and removes its name at once: only this process's mapping reaches it.
     *
     * @throws IpcException IO_ERROR if the file system refuses
     */
    public Created createUnnamed(long length) {
        prepareDirectories();
        String what = "anonymous " + type.label();
        try (FreshFile fresh = FreshFile.make(directory, ".anonymous.", what, null)) {
            Created created = allocateAndMap(fresh.file(), length, what);
            return new Created(null, created.region(), created.fileKey(), created.inode());
        } catch (IOException e) {
            throw io(what + ": cannot create a file in " + directory, e);
        }
    }

    /** Gives a new file its {@code length} bytes, storage reserved first, and maps it read-write. */
    private static Created allocateAndMap(Path file, long length, String what) throws IOException {
        // reserve first: a full file system is then reported from the OS's error number
        Posix.allocate(file, length, what);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
            return new Created(file, MappedRegion.map(ch, length, true),
                    Files.readAttributes(file, PosixFileAttributes.class).fileKey(), inode(file));
        }
    }

    /** The inode of the file a descriptor's path ({@code /proc/self/fd/<n>}) leads to. */
    private static long inode(Path descriptor) throws IOException {
        return ((Number) Files.getAttribute(descriptor, "unix:ino")).longValue();
    }

    /** The inode of what a name is (a link itself, not what it leads to). */
    private static long nameInode(Path name) throws IOException {
        return ((Number) Files.getAttribute(name, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * An existing file, mapped, with its attributes at the time of opening.
     *
     * @param writable whether it was mapped read-write
     * @param inode    its inode number
     * @param device   its device ({@code st_dev})
     */
    public record Opened(Path path, MappedRegion region, PosixFileAttributes attributes, boolean writable,
            long inode, long device) {
    }

    /**
     * Maps the whole file of an existing object, read-write if this process may write it, else
     * read-only. Before anything is mapped, the file's size is checked against {@code maxLength}
     * and against the length its header declares.
     *
     * @param maxLength the largest file an object of this kind may have under the limits in force
     * @throws IpcException NOT_FOUND if there is no such object; LIMIT_EXCEEDED if the file is
     *                      larger than {@code maxLength}; CORRUPTED if its header is not one of
     *                      this kind or does not match its size; PERMISSION_DENIED if the root is
     *                      not trusted; IO_ERROR if the file cannot be read
     */
    public Opened open(String name, long maxLength) {
        Path p = path(name);
        String what = what(name);
        if (!verifyDirectories()) {
            throw IpcException.notFound(type, name);
        }
        try (Descriptor d = openChecked(p, name, true)) {
            long size = d.attributes().size();
            if (size > maxLength) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, what + " has a file of " + size
                        + " bytes, more than the " + maxLength + " bytes an object of its kind may have under the"
                        + " limits in force; it is not mapped");
            }
            checkedHeaderPage(d, what);
            MappedRegion region = MappedRegion.map(d.channel(), size, d.writable());
            region.origin(p, d.inode());
            return new Opened(p, region, d.attributes(), d.writable(), d.inode(), d.device());
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io(what + ": cannot open " + p, e);
        }
    }

    /**
     * A copy of the first page of an opened file, read without mapping it, checked to be the
     * header of an object of this kind that fits the file.
     *
     * @throws IpcException CORRUPTED saying what is wrong
     */
    private MappedRegion checkedHeaderPage(Descriptor d, String what) throws IOException {
        long size = d.attributes().size();
        MappedRegion page = MappedRegion.snapshot(d.channel(), (int) Math.min(size, ObjectFileDescriptor.PAGE_SIZE));
        new ObjectFileHeader(page).verifyCommon(type, size, what);
        return page;
    }

    /**
     * An open file and the attributes of that file itself (not of whatever its name leads to now);
     * {@code fd} is a descriptor of it opened without following links, kept until closed.
     */
    private record Descriptor(FileChannel channel, int fd, PosixFileAttributes attributes, boolean writable,
            long inode, long device) implements AutoCloseable {
        /** The descriptor as a path that leads to the file itself. */
        Path self() {
            return Path.of("/proc/self/fd", Integer.toString(fd));
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                Posix.close(fd);
            }
        }
    }

    /**
     * Opens the file under {@code p} so that the attributes returned are those of the file opened:
     * the name's attributes are read without following links, the file is opened with
     * {@code O_NOFOLLOW} (read-write if {@code tryWrite} and the system allows, else read-only), and
     * the attributes of the opened descriptor (through {@code /proc/self/fd}) must show the same
     * file, owner, group and mode; if the name was re-created or changed in between, all starts
     * again, at most {@value #OPEN_ATTEMPTS} times.
     *
     * @throws NoSuchFileException if the name is gone
     * @throws IpcException CORRUPTED if the name is not a regular file; BUSY if it kept changing;
     *                      IO_ERROR if the system refuses the open
     */
    private Descriptor openChecked(Path p, String name, boolean tryWrite) throws IOException {
        String what = what(name);
        for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
            PosixFileAttributes named = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!named.isRegularFile()) {
                throw new IpcException(IpcError.CORRUPTED, what + ": " + p + " is not a regular file");
            }
            Runnable h = openHook;
            if (h != null) {
                h.run();
            }
            boolean writable = tryWrite;
            int fd = tryWrite ? Posix.openNoFollow(p, true) : -Posix.EACCES;
            if (fd == -Posix.EACCES || fd == -Posix.EROFS) {
                writable = false;
                fd = Posix.openNoFollow(p, false);
            }
            if (fd == -Posix.ENOENT || fd == -Posix.ELOOP) {
                continue; // the name changed since it was read
            }
            if (fd < 0) {
                throw new IpcException(IpcError.IO_ERROR, what + ": cannot open " + p + ": " + Posix.strerror(-fd));
            }
            boolean kept = false;
            try {
                Path self = Path.of("/proc/self/fd", Integer.toString(fd));
                PosixFileAttributes opened = Files.readAttributes(self, PosixFileAttributes.class);
                if (isSameFile(named, opened)) {
                    FileChannel ch = writable
                            ? FileChannel.open(self, StandardOpenOption.READ, StandardOpenOption.WRITE)
                            : FileChannel.open(self, StandardOpenOption.READ);
                    kept = true;
                    return new Descriptor(ch, fd, opened, writable, inode(self),
                            ((Number) Files.getAttribute(self, "unix:dev")).longValue());
                }
            } finally {
                if (!kept) {
                    Posix.close(fd);
                }
            }
        }
        throw new IpcException(IpcError.BUSY, what + " was re-created or changed " + OPEN_ATTEMPTS
                + " times while being opened");
    }

    /** Same file (device and inode), owner, group and mode. */
    private static boolean isSameFile(PosixFileAttributes a, PosixFileAttributes b) {
        return a.fileKey().equals(b.fileKey()) && a.permissions().equals(b.permissions())
                && a.owner().equals(b.owner()) && a.group().equals(b.group());
    }

    /**
     * A copy of the first {@code length} bytes of an object's file, read without mapping it (so
     * this process does not count as one of its mappers), with the file's attributes. The copy
     * is read between two reads of the names sequence that agree, so it holds one version of
     * the owner and group.
     *
     * @throws IpcException NOT_FOUND if there is no such object; IO_ERROR if it cannot be read;
     *                      CORRUPTED if the names never settled
     */
    public Opened snapshot(String name, int length) {
        return snapshot(path(name), name, length);
    }

    /** {@link #snapshot(String, int)} of the file under {@code p}, named {@code name} in messages. */
    Opened snapshot(Path p, String name, int length) {
        String what = what(name);
        if (!verifyDirectories()) {
            throw IpcException.notFound(type, name);
        }
        try (Descriptor d = openChecked(p, name, false)) {
            FileChannel ch = d.channel();
            int n = (int) Math.min(length, d.attributes().size());
            if (n == 0) {
                throw new IpcException(IpcError.CORRUPTED, what + " has an empty file");
            }
            long since = System.nanoTime();
            for (int pass = 0;; pass++) {
                int before = namesSequence(ch);
                VarHandle.fullFence(); // each read's copy is complete before the next one starts
                MappedRegion copy = MappedRegion.snapshot(ch, n);
                VarHandle.fullFence();
                if (ObjectFileHeader.settled(before, namesSequence(ch))) {
                    return new Opened(p, copy, d.attributes(), false, d.inode(), d.device());
                }
                if (System.nanoTime() - since > ObjectFileHeader.SETTLE_NANOS) {
                    throw ObjectFileHeader.unsettled(what);
                }
                ObjectFileHeader.backOff(pass);
            }
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io(what + ": cannot read " + p, e);
        }
    }

    /** The names sequence read from the file (0 from a file too short to hold it). */
    private static int namesSequence(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        while (b.hasRemaining() && ch.read(b, ObjectFileDescriptor.NAMES_SEQUENCE_OFFSET + b.position()) >= 0) {
            // read the whole word
        }
        return b.hasRemaining() ? 0 : b.getInt(0);
    }

    /** The object's permissions now: IPC owner and group from its owner record, mode from its file. */
    public Permissions permissions(String name) {
        return ObjectOwners.permissionsOf(snapshot(name, ObjectFileDescriptor.PAGE_SIZE));
    }

    /** The file's attributes now. */
    public PosixFileAttributes attributes(String name) {
        Path p = path(name);
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io("cannot read " + p, e);
        }
    }

    /**
     * Changes the mode, owner and group of the object a handle refers to, by its inode: if the
     * name now leads to another object (the handle's was unlinked, the name reused), nothing
     * changes. The file is opened without following links and its header checked (magic, type,
     * layout) before anything is written; the owner record, the header's copy of the names and
     * the file's mode and OS owner change, the last through the opened descriptor.
     *
     * @throws IpcException NOT_FOUND naming the object when its file is no longer under the name;
     *                      CORRUPTED if it is not an object file of this kind; IO_ERROR if the OS
     *                      refuses (only root may give a file away)
     */
    public void setPermissions(String name, long inode, Permissions permissions) {
        Path p = path(name);
        String what = what(name);
        if (!verifyDirectories()) {
            throw IpcException.notFound(type, name);
        }
        try (Descriptor d = openChecked(p, name, true)) {
            if (d.inode() != inode) {
                throw new IpcException(IpcError.NOT_FOUND, what
                        + " was unlinked; the name now belongs to another object");
            }
            if (!d.writable()) {
                throw new IpcException(IpcError.PERMISSION_DENIED, what + ": the operating system refused write"
                        + " access to " + p + ", so its permissions cannot be recorded");
            }
            MappedRegion page = checkedHeaderPage(d, what);
            ObjectFileHeader header = new ObjectFileHeader(
                    MappedRegion.map(d.channel(), ObjectFileDescriptor.PAGE_SIZE, true));
            header.owner(permissions.owner(), permissions.group());
            header.mode(permissions.mode());
            MappedRegion record = OwnerRecords.read(directory, inode); // a private copy, written below
            MappedRegion authority = record == null ? page : record;
            new ObjectFileHeader(authority).owner(permissions.owner(), permissions.group());
            new ObjectFileHeader(authority).mode(permissions.mode());
            OwnerRecords.write(directory, inode, authority, what);
            FilePermissions.apply(d.self(), permissions, what);
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io(what + ": cannot record the permissions in " + p, e);
        }
    }

    /**
     * Removes the object's name for {@code caller}, who must hold {@link Rights#ADMIN} on it.
     * Mappings that exist stay valid (POSIX unlink semantics).
     *
     * @return the inode number of the file the name led to when it was removed (so that the quota
     *         it held can be given back for that file, not for one made under the name meanwhile)
     * @throws IpcException NOT_FOUND if there is no such object; PERMISSION_DENIED without ADMIN
     */
    public long unlink(CallerContext caller, String name) {
        caller.authorize(type, name, permissions(name), Rights.ADMIN);
        return remove(name);
    }

    /**
     * Removes the object's name. Mappings that exist stay valid (POSIX unlink semantics).
     *
     * @throws IpcException NOT_FOUND if there is no such object
     */
    public void unlink(String name) {
        remove(name);
    }

    /** Removes the name and its owner record; returns the inode number it led to. */
    private long remove(String name) {
        Path p = path(name);
        if (!verifyDirectories()) {
            throw IpcException.notFound(type, name);
        }
        try {
            long inode = nameInode(p);
            Files.delete(p);
            OwnerRecords.delete(directory, inode);
            return inode;
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io(type.label() + " '" + name + "': cannot unlink " + p, e);
        }
    }

    /**
     * The inode number of the object's file.
     *
     * @throws IpcException NOT_FOUND if there is no such object
     */
    public long inode(String name) {
        Path p = path(name);
        try {
            return nameInode(p);
        } catch (NoSuchFileException e) {
            throw IpcException.notFound(type, name);
        } catch (IOException e) {
            throw io("cannot read " + p, e);
        }
    }

    /** The file identity (device and inode) of the object's file now, or null if it is gone. */
    public Object fileKey(String name) {
        try {
            return Files.readAttributes(path(name), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover hidden temporary file; gc removes it
        }
    }

    static IpcException io(String message, IOException e) {
        if (isNoSpace(e)) {
            return new IpcException(IpcError.IO_ERROR, message + ": the file system is full (" + e + ")", e);
        }
        return new IpcException(IpcError.IO_ERROR, message + ": " + e, e);
    }

    /**
     * Whether the operating system refused for lack of space or inodes (ENOSPC): the JDK gives
     * no error number, only its text.
     */
    private static boolean isNoSpace(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException f ? f.getReason() : e.getMessage();
        return reason != null && reason.contains("No space left on device");
    }
}
