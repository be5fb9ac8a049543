package org.multios.ipc.core.mapped;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.*;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;

/**
 * Reads and writes the common header ({@link ObjectFileDescriptor}) of an object file through a
 * {@link MappedRegion}. A flyweight: it holds only the region. The owner and group are one
 * record under a sequence lock, so no reader sees the owner of one version with the group of
 * another, or a name half-written.
 */
public final class ObjectFileHeader {
    /**
     * Longest a reader waits for the owner and group to settle, and a writer for another
     * writer of them, before it reports CORRUPTED or writes over it.
     */
    public static final long SETTLE_NANOS = 1_000_000_000L;

    private final MappedRegion region;
    private final Runnable halfWritten;

    /** A header view of the region. */
    public ObjectFileHeader(MappedRegion region) {
        this(region, null);
    }

    /** A header view whose writer of names runs {@code halfWritten} between owner and group: tests. */
    ObjectFileHeader(MappedRegion region, Runnable halfWritten) {
        this.region = region;
        this.halfWritten = halfWritten;
    }

    /**
     * Writes every common field; the magic goes last, with release order.
     *
     * @param headerLength a multiple of {@link ObjectFileDescriptor#PAGE_SIZE}
     */
    public void initialize(ObjectType type, int objectLayoutVersion, int headerLength, long dataLength, int mode,
            long creatorPid, long creatorStartMillis, long createdAtMillis) {
        region.putInt(COMMON_LAYOUT_VERSION_OFFSET, COMMON_LAYOUT_VERSION);
        region.putInt(OBJECT_TYPE_OFFSET, type.ordinal() + 1);
        region.putInt(HEADER_LENGTH_OFFSET, headerLength);
        region.putInt(OBJECT_LAYOUT_VERSION_OFFSET, objectLayoutVersion);
        region.putLong(DATA_LENGTH_OFFSET, dataLength);
        region.putLong(CREATOR_PID_OFFSET, creatorPid);
        region.putLong(CREATOR_START_OFFSET, creatorStartMillis);
        region.putLong(CREATED_AT_OFFSET, createdAtMillis);
        region.putInt(MODE_OFFSET, mode);
        region.putBytes(MAGIC_OFFSET + 4, MAGIC, 4, 4);
        VarHandle.releaseFence();
        region.putBytes(MAGIC_OFFSET, MAGIC, 0, 4);
    }

    /**
     * Writes every common field, the creating IPC process (its OS process, and which bundle or
     * program in it) included.
     *
     * @param headerLength a multiple of {@link ObjectFileDescriptor#PAGE_SIZE}
     */
    public void initialize(ObjectType type, int objectLayoutVersion, int headerLength, long dataLength, int mode,
            IpcProcess creator, long createdAtMillis) {
        region.putLong(CREATOR_ID_OFFSET, creator.id());
        byte[] name = cutName(creator.name());
        region.putBytes(CREATOR_NAME_OFFSET + 4, name, 0, name.length);
        region.putInt(CREATOR_NAME_OFFSET, name.length);
        region.putInt(CREATOR_KIND_OFFSET, creator.kind().ordinal() + 1);
        initialize(type, objectLayoutVersion, headerLength, dataLength, mode, creator.pid(),
                creator.startTimeMillis(), createdAtMillis);
    }

    /**
     * The IPC process that created the object, as this header records it: the bundle (or
     * program) with its id and name, in the OS process of the creator pid and start time; for a
     * header that records only the OS process, that process (kind OS_PROCESS, "pid N"). Read
     * it from an owner record ({@link ObjectOwners#ownerRecord}), not from a file its
     * writers may change.
     *
     * @param permissions the object's owner and group, taken as the creator's user and group
     */
    public IpcProcess creator(Permissions permissions) {
        long pid = creatorPid();
        Set<String> groups = Set.of(permissions.group());
        int kind = region.length() >= CREATOR_NAME_OFFSET + 4 + NAME_BYTES ? region.getInt(CREATOR_KIND_OFFSET) : 0;
        String name = kind > 0 && kind <= ProcessKind.values().length ? name(CREATOR_NAME_OFFSET) : null;
        if (name == null) {
            return new IpcProcess(ProcessKind.OS_PROCESS, pid, "pid " + pid, pid, creatorStartMillis(),
                    permissions.owner(), groups);
        }
        return new IpcProcess(ProcessKind.values()[kind - 1], region.getLong(CREATOR_ID_OFFSET), name, pid,
                creatorStartMillis(), permissions.owner(), groups);
    }

    /** A name's UTF-8 bytes, cut to at most {@link ObjectFileDescriptor#NAME_BYTES} at a character boundary. */
    private static byte[] cutName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, NAME_BYTES);
        while (n < b.length && n > 0 && (b[n] & 0xC0) == 0x80) {
            n--; // b[n] continues a character that starts before it
        }
        return Arrays.copyOf(b, n);
    }

    /**
     * Checks that the region holds an object file of the given type and layout, whose header
     * and data fit in {@code fileLength} bytes.
     *
     * @param what the object, named in messages
     * @throws IpcException CORRUPTED saying what is wrong
     */
    public void verify(ObjectType type, int objectLayoutVersion, long fileLength, String what) {
        verifyCommon(type, fileLength, what);
        int layout = region.getInt(OBJECT_LAYOUT_VERSION_OFFSET);
        if (layout != objectLayoutVersion) {
            throw corrupted(what, "has " + type.label() + " layout version " + layout + "; this platform reads "
                    + objectLayoutVersion);
        }
    }

    /**
     * Checks what every object file of {@code type} has, whatever its layout: the magic, the
     * common layout version, the type, and a header and data that fit in {@code fileLength}
     * bytes. The region needs to hold only the first page.
     *
     * @param what the object, named in messages
     * @throws IpcException CORRUPTED saying what is wrong
     */
    public void verifyCommon(ObjectType type, long fileLength, String what) {
        if (fileLength < PAGE_SIZE || region.length() < OBJECT_HEADER_OFFSET) {
            throw corrupted(what, "is " + fileLength + " bytes long, shorter than a header");
        }
        byte[] magic = new byte[MAGIC.length];
        region.getBytes(MAGIC_OFFSET, magic, 0, magic.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw corrupted(what, "is not an IPC object file (bad magic)");
        }
        int common = region.getInt(COMMON_LAYOUT_VERSION_OFFSET);
        if (common != COMMON_LAYOUT_VERSION) {
            throw corrupted(what, "has header layout version " + common + "; this platform reads "
                    + COMMON_LAYOUT_VERSION);
        }
        int code = region.getInt(OBJECT_TYPE_OFFSET);
        if (code != type.ordinal() + 1) {
            throw corrupted(what, "holds object type code " + code + ", not a " + type.label());
        }
        int headerLength = headerLength();
        long dataLength = dataLength();
        if (headerLength < PAGE_SIZE || headerLength % PAGE_SIZE != 0 || dataLength < 0
                || headerLength > fileLength || dataLength > fileLength - headerLength) {
            throw corrupted(what, "declares a " + headerLength + "-byte header and " + dataLength
                    + " bytes of data, but the file has " + fileLength + " bytes (truncated?)");
        }
    }

    private static IpcException corrupted(String what, String problem) {
        return new IpcException(IpcError.CORRUPTED, what + " " + problem);
    }

    /** The header length: where the data starts. */
    public int headerLength() {
        return region.getInt(HEADER_LENGTH_OFFSET);
    }

    /** The data length. */
    public long dataLength() {
        return region.getLong(DATA_LENGTH_OFFSET);
    }

    /** The creator's pid. */
    public long creatorPid() {
        return region.getLong(CREATOR_PID_OFFSET);
    }

    /** The creator process's start time, epoch ms. */
    public long creatorStartMillis() {
        return region.getLong(CREATOR_START_OFFSET);
    }

    /** The mode bits recorded in the header. */
    public int mode() {
        return region.getInt(MODE_OFFSET);
    }

    /** Records changed mode bits. */
    public void mode(int mode) {
        region.putIntVolatile(MODE_OFFSET, mode);
    }

    /** The IPC owner and group recorded in a header. */
    public record Names(String owner, String group) {
    }

    /**
     * Records the IPC owner and group as one version: a reader sees both old names or both new
     * ones (see {@link ObjectFileDescriptor#NAMES_SEQUENCE_OFFSET}). A writer that finds another
     * one's odd sequence waits for it up to {@link #SETTLE_NANOS}, then takes over (the other
     * died mid-write).
     *
     * @throws IpcException INVALID_ARGUMENT if a name is longer than {@link ObjectFileDescriptor#NAME_BYTES}
     */
    public void owner(String owner, String group) {
        byte[] o = nameBytes(owner);
        byte[] g = nameBytes(group);
        int locked = lockNames();
        putName(OWNER_OFFSET, o);
        if (halfWritten != null) {
            halfWritten.run();
        }
        putName(GROUP_OFFSET, g);
        region.putIntVolatile(NAMES_SEQUENCE_OFFSET, locked + 1);
    }

    private int lockNames() {
        long since = 0;
        for (int pass = 0;; pass++) {
            int s = region.getIntVolatile(NAMES_SEQUENCE_OFFSET);
            if ((s & 1) == 0) {
                if (region.compareAndSetInt(NAMES_SEQUENCE_OFFSET, s, s + 1)) {
                    return s + 1;
                }
                continue;
            }
            if (since == 0) {
                since = System.nanoTime();
            } else if (System.nanoTime() - since > SETTLE_NANOS
                    && region.compareAndSetInt(NAMES_SEQUENCE_OFFSET, s, s + 2)) {
                return s + 2; // its writer never finished: write over it, still odd
            }
            backOff(pass);
        }
    }

    /**
     * The IPC owner and group recorded, read as one version; null if none are (a file written
     * before names were recorded).
     *
     * @param what the object, named in messages
     * @throws IpcException CORRUPTED if they did not settle within {@link #SETTLE_NANOS} (a
     *                      writer died mid-write, or another process keeps writing them)
     */
    public Names names(String what) {
        if (region.length() < GROUP_OFFSET + 4 + NAME_BYTES) {
            return null;
        }
        long since = System.nanoTime();
        for (int pass = 0;; pass++) {
            int before = region.getIntVolatile(NAMES_SEQUENCE_OFFSET);
            if ((before & 1) == 0) {
                String owner = name(OWNER_OFFSET);
                String group = name(GROUP_OFFSET);
                VarHandle.acquireFence(); // the names are read before the sequence is read again
                if (region.getIntVolatile(NAMES_SEQUENCE_OFFSET) == before) {
                    return owner == null || group == null ? null : new Names(owner, group);
                }
            }
            if (System.nanoTime() - since > SETTLE_NANOS) {
                throw unsettled(what);
            }
            backOff(pass);
        }
    }

    /**
     * Whether a copy of the header taken between two reads of its names sequence that gave
     * {@code before} and {@code after} holds one version of the names.
     */
    public static boolean settled(int before, int after) {
        return (before & 1) == 0 && before == after;
    }

    /** The failure of a reader whose names never settled. */
    public static IpcException unsettled(String what) {
        return corrupted(what, "has an owner and group that did not settle within "
                + SETTLE_NANOS / 1_000_000 + " ms (a writer died mid-write, or another process keeps writing them)");
    }

    /** Spins, then yields, then parks briefly: a writer holds the names for microseconds. */
    public static void backOff(int pass) {
        if (pass < 64) {
            Thread.onSpinWait();
        } else if (pass < 128) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(50_000);
        }
    }

    private static byte[] nameBytes(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > NAME_BYTES) {
            throw IpcException.invalidArgument("owner or group name '" + name + "' is longer than " + NAME_BYTES
                    + " bytes");
        }
        return b;
    }

    private void putName(int offset, byte[] b) {
        region.putBytes(offset + 4, b, 0, b.length);
        region.putInt(offset, b.length);
    }

    private String name(int offset) {
        int n = region.getInt(offset);
        if (n <= 0 || n > NAME_BYTES) {
            return null;
        }
        byte[] b = new byte[n];
        region.getBytes(offset + 4, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** When the object was created, epoch ms. */
    public long createdAtMillis() {
        return region.getLong(CREATED_AT_OFFSET);
    }
}
