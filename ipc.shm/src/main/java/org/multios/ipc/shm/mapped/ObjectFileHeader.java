package org.multios.ipc.shm.mapped;

import static org.multios.ipc.shm.mapped.ObjectFileDescriptor.*;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and writes the common header ({@link ObjectFileDescriptor}) of an object file through a
 * {@link MappedRegion}. A flyweight: it holds only the region.
 */
@ProviderType
public final class ObjectFileHeader {
    private final MappedRegion region;

    /** A header view of the region. */
    public ObjectFileHeader(MappedRegion region) {
        this.region = region;
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
     * Checks that the region holds an object file of the given type and layout, whose header
     * and data fit in {@code fileLength} bytes.
     *
     * @param what the object, named in messages
     * @throws IpcException CORRUPTED saying what is wrong
     */
    public void verify(ObjectType type, int objectLayoutVersion, long fileLength, String what) {
        if (fileLength < OBJECT_HEADER_OFFSET) {
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
        int layout = region.getInt(OBJECT_LAYOUT_VERSION_OFFSET);
        if (layout != objectLayoutVersion) {
            throw corrupted(what, "has " + type.label() + " layout version " + layout + "; this platform reads "
                    + objectLayoutVersion);
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

    /** Records the IPC owner and group. */
    public void owner(String owner, String group) {
        putName(OWNER_OFFSET, owner);
        putName(GROUP_OFFSET, group);
    }

    /** The IPC owner recorded, or null if none is. */
    public String owner() {
        return name(OWNER_OFFSET);
    }

    /** The IPC group recorded, or null if none is. */
    public String group() {
        return name(GROUP_OFFSET);
    }

    private void putName(int offset, String name) {
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length > NAME_BYTES) {
            throw IpcException.invalidArgument("owner or group name '" + name + "' is longer than " + NAME_BYTES
                    + " bytes");
        }
        region.putBytes(offset + 4, b, 0, b.length);
        region.putIntVolatile(offset, b.length);
    }

    private String name(int offset) {
        if (region.length() < offset + 4 + NAME_BYTES) {
            return null;
        }
        int n = region.getIntVolatile(offset);
        if (n <= 0 || n > NAME_BYTES) {
            return null;
        }
        byte[] b = new byte[n];
        region.getBytes(offset + 4, b, 0, n);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** When the object was created, epoch ms. */
    public long createdAtMillis() {
        return region.getLong(CREATED_AT_OFFSET);
    }
}
