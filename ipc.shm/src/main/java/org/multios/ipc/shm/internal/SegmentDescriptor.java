package org.multios.ipc.shm.internal;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.CACHE_LINE;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.PAGE_SIZE;

/**
 * Layout of a shared memory segment's file: the common object header
 * ({@link org.multios.ipc.core.mapped.ObjectFileDescriptor}), then the segment's counters, each
 * on its own cache line because every process that uses the segment updates them, then the
 * data from the first page boundary. Counters are native-order longs, updated atomically.
 *
 * <pre>
 *   offset
 *        0  +------------------------------------------------+
 *           | common object header (64 bytes)                 |
 *       64  +------------------------------------------------+
 *           | creator (8): owner word of the creating process |
 *           | creator's namespaces (8)     | reserved         |
 *      128  +------------------------------------------------+
 *           | mappings now, all processes (8)        | pad    |
 *      192  +------------------------------------------------+
 *           | mappings made since creation (8)       | pad    |
 *      256  +------------------------------------------------+
 *           | bytes read (8)                         | pad    |
 *      320  +------------------------------------------------+
 *           | bytes written (8)                      | pad    |
 *      384  +------------------------------------------------+
 *           | atomic operations (8)                  | pad    |
 *      448  +------------------------------------------------+
 *           | handles open now, all processes (8)    | pad    |
 *      512  +------------------------------------------------+
 *           | reserved to 4096                                |
 *     4096  +------------------------------------------------+
 *           | data: segment size bytes                        |
 *           +------------------------------------------------+
 * </pre>
 *
 * A program that dies without closing leaves the "now" counters too high: they are statistics,
 * not ownership. Who maps a segment is read from the operating system. The creator's owner word
 * (start tick, pid: {@link org.multios.ipc.core.mapped.ProcessLiveness#ownerWord}) is written
 * once at creation; it is 0 in files made before it was recorded, and then never judged dead.
 */
final class SegmentDescriptor {
    /** Version of the segment layout below the common header. */
    static final int LAYOUT_VERSION = 1;
    /** Where the data starts: the header length. */
    static final int DATA_OFFSET = PAGE_SIZE;

    static final int CREATOR_OFFSET = CACHE_LINE;
    static final int CREATOR_NAMESPACE_OFFSET = CACHE_LINE + 8;
    static final int MAPPINGS_NOW_OFFSET = 2 * CACHE_LINE;
    static final int MAPPINGS_TOTAL_OFFSET = 3 * CACHE_LINE;
    static final int BYTES_READ_OFFSET = 4 * CACHE_LINE;
    static final int BYTES_WRITTEN_OFFSET = 5 * CACHE_LINE;
    static final int ATOMIC_OPERATIONS_OFFSET = 6 * CACHE_LINE;
    static final int HANDLES_NOW_OFFSET = 7 * CACHE_LINE;

    private SegmentDescriptor() {
    }

    /** The file length of a segment of {@code size} bytes. */
    static long fileLength(long size) {
        return DATA_OFFSET + size;
    }
}
