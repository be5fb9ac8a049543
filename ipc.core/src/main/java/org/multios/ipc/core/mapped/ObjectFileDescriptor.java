package org.multios.ipc.core.mapped;

import java.nio.charset.StandardCharsets;

/**
 * Layout of the header that starts the file of every named object under the IPC root. A
 * process attaching checks the magic, the layout version and the object type before it trusts
 * anything else; a native program can follow this diagram. Multi-byte fields are in the
 * machine's native byte order.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "MOSIPC\0\1" (8 bytes)                  |  0
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |   Common layout version (4)   |      Object type code (4)     |  8
 *  +-------------------------------+-------------------------------+
 *  |       Header length (4)       |   Object layout version (4)   | 16
 *  +-------------------------------+-------------------------------+
 *  |                     Data length (8 bytes)                     | 24
 *  +---------------------------------------------------------------+
 *  |                     Creator pid (8 bytes)                     | 32
 *  +---------------------------------------------------------------+
 *  |         Creator process start time, epoch ms (8 bytes)        | 40
 *  +---------------------------------------------------------------+
 *  |                 Created at, epoch ms (8 bytes)                | 48
 *  +---------------------------------------------------------------+
 *  |     Mode at creation (4)      |  Names sequence (4), see below | 56
 *  +-------------------------------+-------------------------------+
 *  |           Object-specific header, to header length            | 64
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 *  |   ...                                                         |
 *  +-------------------------------+-------------------------------+
 *  |  Creating IPC process kind (4)|          reserved (4)         | 3584
 *  +-------------------------------+-------------------------------+
 *  |            Creating IPC process id (8 bytes)                  | 3592
 *  +---------------------------------------------------------------+
 *  |  Creating IPC process name: length (4) + UTF-8 (up to 124)    | 3600
 *  +---------------------------------------------------------------+
 *  |   ...                                                         |
 *  +---------------------------------------------------------------+
 *  |  Owner: length (4) + UTF-8 name (up to 124 bytes)             | 3840
 *  +---------------------------------------------------------------+
 *  |  Group: length (4) + UTF-8 name (up to 124 bytes)             | 3968
 *  +---------------------------------------------------------------+
 *  |                  Object data, data length bytes               | header length
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The names sequence guards the owner and group as one record (a sequence lock): even while
 * they are stable, odd while a process rewrites them. A writer compares-and-sets it from even
 * to odd, writes both names (bytes, then length), and stores the next even value; a reader reads
 * it, the names, and it again, and keeps what it read only if both reads gave the same even
 * value. 0 (a file from before the sequence) is stable.
 *
 * <p>The owner and group are the object's IPC owner and group, which need not be users and
 * groups of the operating system (a bundle may act as its own user); the file's mode is the
 * object's mode, and the file's OS owner and group follow the IPC ones where the operating
 * system knows them and allows it.
 *
 * <p><b>Who owns an object.</b> Whoever may write an object's file (a group member of a 0660
 * queue) can rewrite its header, so the header's names, creator and mode are not believed for
 * any decision. The authority is the object's <em>owner record</em>, a file under the IPC root
 * that only the root's OS user can write:
 *
 * <pre>
 *   &lt;root&gt;/                   0755, this OS user, never a link (checked at every attach)
 *     &lt;kind&gt;/                 0755, this OS user, never a link (checked at every attach)
 *       &lt;name&gt;               the object file, mode = the object's mode: its writers may
 *                            change any byte of it, the names and creator here included
 *     .owners/&lt;kind&gt;/         0755, this OS user
 *       &lt;inode of the file&gt;  0644, this OS user: the owner record, a copy of the header page
 *                            above (this layout) as the creator wrote it, rewritten (temporary
 *                            file, then rename) only by a change of permissions. IPC owner and
 *                            group, and the creator a collection judges, are read from here.
 * </pre>
 *
 * A file with no owner record (written by a program that writes none) is owned by its OS
 * owner and group, and its creator is unknown (a collection keeps it). A named pipe's FIFO has
 * no header: its creator writes a record all the same, a header page of this layout with no
 * data ({@link ObjectOwners#recordOwner}), so that its creator is known too.
 *
 * <p><b>Who created an object.</b> The creator pid and start time say which OS process made the
 * object; the creating IPC process (kind {@code ProcessKind.ordinal() + 1}, id and readable name:
 * a bundle's id and symbolic name in a gateway, the pid and command of a plain program) says which
 * bundle in it. Listings read both from the owner record, never from the file. Files made before
 * the creating IPC process was recorded have 0 there (those bytes were unused), and their
 * creator is the OS process alone. Unlinking an object
 * removes its record. An operator may let the members of one OS group share a root (system
 * property {@code org.multios.ipc.sharedGroup}): they are then trusted with the records too.
 *
 * <p>The header length is a multiple of {@link #PAGE_SIZE}, so the data starts on a page boundary
 * (a native program can map the data alone). A new file is fully written under a temporary
 * name and then linked to its name, so no process ever sees a half-made header.
 *
 * <p><b>A file truncated while mapped.</b> Anyone who may write an object's file can shrink it
 * under the processes that map it; their next access past the new end faults (SIGBUS). In this
 * platform that access fails with CORRUPTED naming the object, its file and both sizes, and the
 * handle closes ({@link MappedFault}); the file is not repaired: its owner removes it (unlink)
 * and creates the object again. A size that does not match the header is refused at open.
 */
public final class ObjectFileDescriptor {
    /** The magic of every object file: the bytes {@code MOSIPC\0\1}. */
    public static final byte[] MAGIC = "MOSIPC\0\1".getBytes(StandardCharsets.US_ASCII);
    /** Version of this common layout. */
    public static final int COMMON_LAYOUT_VERSION = 1;
    /** Page size the header length is a multiple of. */
    public static final int PAGE_SIZE = 4096;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the common layout version (int). */
    public static final int COMMON_LAYOUT_VERSION_OFFSET = 8;
    /** Offset of the object type code (int): {@code ObjectType.ordinal() + 1}. */
    public static final int OBJECT_TYPE_OFFSET = 12;
    /** Offset of the header length (int). */
    public static final int HEADER_LENGTH_OFFSET = 16;
    /** Offset of the object layout version (int). */
    public static final int OBJECT_LAYOUT_VERSION_OFFSET = 20;
    /** Offset of the data length (long). */
    public static final int DATA_LENGTH_OFFSET = 24;
    /** Offset of the creator's pid (long). */
    public static final int CREATOR_PID_OFFSET = 32;
    /** Offset of the creator's start time (long, epoch ms). */
    public static final int CREATOR_START_OFFSET = 40;
    /** Offset of the creation time (long, epoch ms). */
    public static final int CREATED_AT_OFFSET = 48;
    /**
     * Offset of the mode bits the object was created with (int); informational, the file's mode
     * is what the operating system enforces and it is kept in step on chmod.
     */
    public static final int MODE_OFFSET = 56;
    /** Offset of the sequence lock of the owner and group (int): even when stable, odd while written. */
    public static final int NAMES_SEQUENCE_OFFSET = 60;
    /**
     * Offset of the creating IPC process's kind (int): {@code ProcessKind.ordinal() + 1}, 0 when
     * not recorded (a file made before it was).
     */
    public static final int CREATOR_KIND_OFFSET = 4096 - 512;
    /** Offset of the creating IPC process's id (long): a bundle's id, an OS process's pid. */
    public static final int CREATOR_ID_OFFSET = CREATOR_KIND_OFFSET + 8;
    /**
     * Offset of the creating IPC process's readable name (a bundle's symbolic name): an int
     * length, then up to {@link #NAME_BYTES} bytes of UTF-8, cut at a character boundary.
     */
    public static final int CREATOR_NAME_OFFSET = CREATOR_KIND_OFFSET + 16;
    /** Offset of the IPC owner's name: an int length, then up to {@link #NAME_BYTES} bytes of UTF-8. */
    public static final int OWNER_OFFSET = 4096 - 256;
    /** Offset of the IPC group's name, laid out as the owner's. */
    public static final int GROUP_OFFSET = 4096 - 128;
    /** Room for the bytes of an owner or group name. */
    public static final int NAME_BYTES = 124;
    /** First byte of the object-specific header. */
    public static final int OBJECT_HEADER_OFFSET = 64;
    /** Size of a cache line, for padding counters that several processes update. */
    public static final int CACHE_LINE = 64;

    private ObjectFileDescriptor() {
    }
}
