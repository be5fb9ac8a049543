package org.multios.ipc.core.mapped;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;

/**
 * Garbage collection of the named objects of one kind: removes those whose creating process is
 * dead for certain ({@link ProcessLiveness}; never one created in other PID or time namespaces,
 * nor one whose creator was not recorded) and that no process may map ({@link ProcessMaps#mayMap},
 * by device and inode: a process whose maps cannot be read counts as mapping it). The creator is
 * read from the object's owner record, which those who may only write the file cannot change.
 * What is removed is what was proven unused at the moment of removal: an object judged stale is
 * moved aside under a hidden name ({@link ObjectQuarantine}, so nobody opens it by name any
 * more), must be the very file judged, and is judged again there before it is deleted; otherwise
 * it is put back under its name. Files left aside by a collection that ended half-way are judged
 * the same way. A kind may keep objects whatever their creator's state: a queue or channel whose
 * messages wait for a receiver that has not come yet.
 */
public final class StaleObjects {
    /** Describes an object from a snapshot of its header; IpcException (CORRUPTED) for a damaged one. */
    @FunctionalInterface
    public interface Describer {
        ObjectInfo describe(String name, ObjectDirectory.Opened header);
    }

    private static final ProcessLiveness LIVENESS = ProcessLiveness.system();

    private final ObjectQuarantine quarantine;
    private final ObjectDirectory directory;
    private final int headerLength;
    private final int creatorOffset;
    private final int namespaceOffset;
    private final Describer describer;
    private final Predicate<ObjectInfo> kept;

    /**
     * @param headerLength    bytes of the header a snapshot reads
     * @param creatorOffset   where the kind's header holds its creator's owner word (long)
     * @param namespaceOffset where it holds the creator's namespaces (long)
     */
    public StaleObjects(ObjectDirectory directory, int headerLength, int creatorOffset, int namespaceOffset,
            Describer describer) {
        this(directory, headerLength, creatorOffset, namespaceOffset, describer, info -> false);
    }

    /**
     * @param kept which objects stay whatever their creator's state, judged on their description
     *             (a queue with messages waiting)
     */
    public StaleObjects(ObjectDirectory directory, int headerLength, int creatorOffset, int namespaceOffset,
            Describer describer, Predicate<ObjectInfo> kept) {
        this.kept = kept;
        this.directory = directory;
        this.quarantine = new ObjectQuarantine(directory);
        this.headerLength = headerLength;
        this.creatorOffset = creatorOffset;
        this.namespaceOffset = namespaceOffset;
        this.describer = describer;
    }

    /**
     * Records the calling process as the creator in a new object's header, before its owner
     * record is written, at the offsets a collector of the kind reads.
     */
    public static void recordCreator(MappedRegion header, int creatorOffset, int namespaceOffset) {
        long namespace = LIVENESS.namespaces();
        header.putLong(namespaceOffset, namespace);
        header.putLong(creatorOffset, LIVENESS.currentProcessWord(namespace));
    }

    /**
     * Removes the stale objects and describes what it removed.
     *
     * @param processMaps who may map a file (nothing is removed where it is not supported)
     * @param judged      called when an object has been judged stale, before it is moved aside (tests)
     */
    public List<ObjectInfo> collect(ProcessMaps processMaps, Runnable judged) {
        List<ObjectInfo> removed = new ArrayList<>();
        if (!processMaps.supported()) {
            return removed;
        }
        for (ObjectQuarantine.Quarantined left : quarantine.quarantined()) {
            try {
                removeIfStale(left, null, processMaps, removed);
            } catch (IpcException cannotRestore) {
                // stays aside; the next collection looks at it again
            }
        }
        for (String name : directory.names()) {
            try {
                ObjectDirectory.Opened header = directory.snapshot(name, headerLength);
                ObjectInfo info = describer.describe(name, header); // a damaged header is CORRUPTED, not judged
                if (!kept.test(info) && isStale(header, processMaps)) {
                    judged.run();
                    removeIfStale(quarantine.quarantine(name), header.attributes().fileKey(), processMaps, removed);
                }
            } catch (IpcException e) {
                // gone, corrupted or changing meanwhile: not proven unused
            }
        }
        return removed;
    }

    /**
     * Deletes a file moved aside if it is the one judged ({@code judged}, or any for a leftover)
     * and is still stale, else puts it back under its name.
     */
    private void removeIfStale(ObjectQuarantine.Quarantined q, Object judged, ProcessMaps processMaps,
            List<ObjectInfo> removed) {
        try {
            if (judged == null || judged.equals(q.fileKey())) {
                ObjectDirectory.Opened header = quarantine.snapshot(q, headerLength);
                ObjectInfo info = describer.describe(q.name(), header);
                if (header.attributes().fileKey().equals(q.fileKey()) && !kept.test(info)
                        && isStale(header, processMaps)) {
                    quarantine.delete(q);
                    removed.add(info);
                    return;
                }
            }
        } catch (IpcException notProven) {
            // kept
        }
        quarantine.restore(q);
    }

    /** Whether an object's recorded creator is dead for certain and no process may map its file. */
    private boolean isStale(ObjectDirectory.Opened header, ProcessMaps processMaps) {
        MappedRegion r = ObjectDirectory.ownerRecord(header);
        return r != null && LIVENESS.isOwnerDead(r.getLong(creatorOffset), r.getLong(namespaceOffset))
                && !processMaps.mayMap(header.device(), header.inode());
    }
}
