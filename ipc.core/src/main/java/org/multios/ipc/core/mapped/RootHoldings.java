package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcNames;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.CallerContext;

/**
 * What the IPC root holds, counted from its files: the named objects of every kind (object files,
 * FIFOs) and their bytes (file sizes), per IPC owner and in all. This is the one rule every
 * mechanism applies when it makes a named object, so that the {@link Quota#OBJECTS} quota and
 * the root's byte budget ({@link Limit#ROOT_BYTES}) hold what exists: across the creator's
 * sessions, the mechanisms' restarts and every process sharing the root.
 *
 * <p>A create runs inside {@link #creating}: under an exclusive lock on a file in the root (a
 * {@code flock}, which every process of the platform takes, and which the kernel drops when a
 * holder dies) it counts, checks that one more object of its size fits, makes its file, and
 * lets the next creator count. Of creators racing for the last place exactly one keeps its object.
 *
 * <p>The owner of an object file is the IPC owner in its owner record (see {@link OwnerRecords}),
 * read with a plain read of that small file, never by mapping, and its bytes are the file's size,
 * but no more than the header and data its creator made (also from the record): a writer that
 * grows a file, which opens then refuse, does not spend the root's budget. A file without a
 * record, and a FIFO, is its OS owner's and counts its size. A count stats every file under the root and reads one page per
 * object file: a create costs time in proportion to the objects there.
 */
public final class RootHoldings {
    /**
     * What one owner holds: objects, their files' bytes, and their data by kind (the data length
     * each owner record holds, or the file's size where there is none).
     */
    public record Held(long objects, long bytes, Map<ObjectType, Long> data) {
        /** Objects and bytes, with no data counted. */
        public Held(long objects, long bytes) {
            this(objects, bytes, Map.of());
        }

        /** The data of the owner's objects of {@code kind}. */
        public long dataOf(ObjectType kind) {
            return data.getOrDefault(kind, 0L);
        }

        private Held plus(Entry e) {
            Map<ObjectType, Long> more = new EnumMap<>(ObjectType.class);
            more.putAll(data);
            more.merge(e.kind(), e.data(), Long::sum);
            return new Held(objects + 1, bytes + e.size(), more);
        }
    }

    /**
     * A byte quota on the data of one kind's named objects, per owner (shared memory's
     * {@link Quota#SHARED_MEMORY_BYTES}), and the data the object being made adds to it.
     */
    public record DataQuota(ObjectType kind, Quota quota, long data) {
    }

    /** One count of the root: what each owner holds, and the bytes of all. */
    public record Count(Map<String, Held> byOwner, long bytes) {
        /** What {@code owner} holds (nothing if absent). */
        public Held of(String owner) {
            return byOwner.getOrDefault(owner, new Held(0, 0));
        }
    }

    private record Entry(String owner, ObjectType kind, long size, long data) {
    }

    /** The lock file, in the owner records' directory. */
    static final String LOCK = "holdings.lock";

    private final Supplier<IpcEnvironment> environment;

    /** The holdings of the root of the environment in force, checked against its limits. */
    public RootHoldings(Supplier<IpcEnvironment> environment) {
        this.environment = environment;
    }

    /** Counts what the root holds now. */
    public Count count() {
        Map<String, Held> byOwner = new TreeMap<>();
        long bytes = 0;
        for (Entry e : entries()) {
            byOwner.put(e.owner(), byOwner.getOrDefault(e.owner(), new Held(0, 0)).plus(e));
            bytes += e.size();
        }
        return new Count(byOwner, bytes);
    }

    /**
     * Makes a named object if the caller's objects quota and the root's byte budget have room for
     * it beside what the root holds: counts and makes it under the root's lock.
     *
     * @param what   the object, named in messages
     * @param bytes  the size of its file
     * @param create makes the file
     * @return what {@code create} returned
     * @throws IpcException LIMIT_EXCEEDED naming the object, the owner and what it holds (nothing
     *                      is made); IO_ERROR if the lock cannot be taken
     */
    public <T> T creating(CallerContext caller, String what, long bytes, Supplier<T> create) {
        return creating(caller, what, bytes, null, create);
    }

    /**
     * As {@link #creating(CallerContext, String, long, Supplier)}, for an object whose data also
     * counts against a byte quota of its owner: the data of the named objects of that kind its
     * owner holds in the root, plus {@code data.data()}, must fit in the caller's quota (beside
     * what the caller's session holds of it: its anonymous objects).
     *
     * @param data the quota and what the object adds to it; null for none
     */
    public <T> T creating(CallerContext caller, String what, long bytes, DataQuota data, Supplier<T> create) {
        Path records = environment.get().directory(ObjectType.QUEUE).resolveSibling(OwnerRecords.DIRECTORY);
        TrustedDirectories.ensure(records);
        try (FileChannel lock = FileChannel.open(records.resolve(LOCK), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                FileLock held = lock(lock, what)) {
            String owner = caller.process().user();
            Count now = count();
            long after = now.bytes() + bytes;
            check(caller, what, owner, now.of(owner).objects() + 1, after < 0 ? Long.MAX_VALUE : after);
            if (data != null) {
                checkData(caller, what, owner, data, now.of(owner).dataOf(data.kind()) + data.data());
            }
            return create.get();
        } catch (IOException e) {
            throw ObjectDirectory.io(what + ": cannot lock " + records.resolve(LOCK) + " to count what the IPC root holds",
                    e);
        }
    }

    /**
     * Checks, for an anonymous object whose object of quota the caller's session holds already,
     * that the named objects the root holds of its owner's leave room for it beside what the
     * session holds; if not, the caller gives its reservation back.
     *
     * @throws IpcException LIMIT_EXCEEDED naming the object, the owner and what it holds
     */
    public void checkAnonymous(CallerContext caller, String what) {
        checkAnonymous(caller, what, null);
    }

    /**
     * As {@link #checkAnonymous(CallerContext, String)}, and that the data of the named objects of
     * {@code data.kind()} the root holds of its owner's leave room in {@code data.quota()} for what
     * the session holds (the anonymous object's data included).
     *
     * @param data the quota; null for none
     */
    public void checkAnonymous(CallerContext caller, String what, DataQuota data) {
        String owner = caller.process().user();
        Held held = count().of(owner);
        check(caller, what, owner, held.objects(), 0);
        if (data != null) {
            checkData(caller, what, owner, data, held.dataOf(data.kind()));
        }
    }

    /** Takes the lock; another thread of this JVM holding it is waited for like another process. */
    private static FileLock lock(FileChannel lock, String what) throws IOException {
        for (int pass = 0;; pass++) {
            try {
                return lock.lock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                ObjectFileHeader.backOff(pass);
            }
        }
    }

    private void check(CallerContext caller, String what, String owner, long objects, long bytes) {
        long budget = environment.get().limits().get(Limit.ROOT_BYTES);
        if (bytes > budget) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, what + ": the IPC root would hold " + bytes
                    + " bytes, more than " + Limit.ROOT_BYTES.key() + " = " + budget);
        }
        fits(caller, Quota.OBJECTS, objects,
                what + ": its owner " + owner + " would hold " + objects + " named objects under the IPC root");
    }

    private static void checkData(CallerContext caller, String what, String owner, DataQuota data, long held) {
        long bytes = held < 0 ? Long.MAX_VALUE : held; // records of huge sizes add up past a long
        fits(caller, data.quota(), bytes, what + ": its owner " + owner + " would hold " + bytes + " bytes of "
                + data.kind().label() + " under the IPC root");
    }

    /**
     * Tests that the caller's quota has room for {@code amount} beside what its session holds,
     * keeping nothing reserved.
     *
     * @param holds what the amount is, for the message
     * @throws IpcException LIMIT_EXCEEDED: {@code holds}, the quota and the ledger's account
     */
    private static void fits(CallerContext caller, Quota quota, long amount, String holds) {
        try {
            caller.reserve(quota, amount);
        } catch (IpcException e) {
            if (e.error() != IpcError.LIMIT_EXCEEDED) {
                throw e;
            }
            throw new IpcException(IpcError.LIMIT_EXCEEDED, holds + ", more than its " + quota.key() + " allows ("
                    + e.getMessage() + ")");
        }
        caller.release(quota, amount);
    }

    private List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        IpcEnvironment environment = this.environment.get();
        for (ObjectType type : ObjectType.values()) {
            Path directory = environment.directory(type);
            if (!TrustedDirectories.verify(directory)) {
                continue;
            }
            boolean records = recordsTrusted(directory);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (!n.startsWith(".") && IpcNames.isValid(n)) {
                        Entry e = entry(type, directory, f, records);
                        if (e != null) {
                            entries.add(e);
                        }
                    }
                }
            } catch (IOException e) {
                throw ObjectDirectory.io("cannot list " + directory, e);
            }
        }
        return entries;
    }

    private static boolean recordsTrusted(Path kindDirectory) {
        Path records = OwnerRecords.path(kindDirectory, 0).getParent();
        try {
            return TrustedDirectories.verify(records);
        } catch (IpcException untrusted) {
            return false; // records nobody may trust: every file is its OS owner's
        }
    }

    /** The object at {@code file}, or null if it is gone or is neither a regular file nor a FIFO. */
    private static Entry entry(ObjectType kind, Path directory, Path file, boolean records) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:size,ino,owner,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw ObjectDirectory.io("cannot read " + file, e);
        }
        int type = (Integer) a.get("mode") & 0170000;
        if (type != 0100000 && type != 0010000) {
            return null;
        }
        long size = (Long) a.get("size");
        byte[] record = records && type == 0100000 ? record(directory, (Long) a.get("ino")) : null;
        String owner = record == null ? null : ownerOf(record);
        if (owner == null) {
            return new Entry(((UserPrincipal) a.get("owner")).getName(), kind, size, size);
        }
        ByteBuffer r = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
        long data = r.getLong(ObjectFileDescriptor.DATA_LENGTH_OFFSET);
        long made = (long) r.getInt(ObjectFileDescriptor.HEADER_LENGTH_OFFSET) + data;
        boolean sane = made >= ObjectFileDescriptor.PAGE_SIZE && data >= 0;
        return new Entry(owner, kind, sane && made < size ? made : size, sane ? data : size);
    }

    /** The first page of the owner record of {@code inode}, read plainly; null if it has none. */
    private static byte[] record(Path directory, long inode) {
        byte[] page = new byte[ObjectFileDescriptor.PAGE_SIZE];
        try (SeekableByteChannel ch = Files.newByteChannel(OwnerRecords.path(directory, inode),
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer b = ByteBuffer.wrap(page);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read the page
            }
            return b.hasRemaining() ? null : page;
        } catch (IOException noRecord) {
            return null;
        }
    }

    private static String ownerOf(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
        int n = b.getInt(ObjectFileDescriptor.OWNER_OFFSET);
        if (n <= 0 || n > ObjectFileDescriptor.NAME_BYTES) {
            return null;
        }
        return new String(record, ObjectFileDescriptor.OWNER_OFFSET + 4, n, StandardCharsets.UTF_8);
    }
}
