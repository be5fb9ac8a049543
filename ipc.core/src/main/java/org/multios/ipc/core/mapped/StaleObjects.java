package org.multios.ipc.core.mapped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.Permissions;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * Garbage collection of the named objects of one kind: removes those whose creating process is
 * dead for certain ({@link ProcessLiveness}; never one created in other PID or time namespaces,
 * nor one whose creator was not recorded) and that no process holds: for an object file, no
 * process may map it ({@link ProcessMaps#mayMap}) nor have it open (an opener holds its descriptor
 * before it maps); for a named pipe's FIFO, no process may have it open
 * ({@link ProcessMaps#mayHoldOpen}); in both, by device and inode, and a process that
 * cannot be read counts as holding it. The creator is read from the object's owner record, which
 * those who may only write the file cannot change. What is removed is what was proven unused at
 * the moment of removal: an object judged stale is moved aside under a hidden name
 * ({@link ObjectQuarantine}, so nobody opens it by name any more), must be the very file judged,
 * and is judged again there before it is deleted; otherwise it is put back under its name. Files
 * left aside by a collection that ended half-way are judged the same way. A kind may keep
 * objects whatever their creator's state: a queue or channel whose messages wait for a receiver
 * that has not come yet.
 */
public final class StaleObjects {
    /** Describes an object from a snapshot of its header; IpcException (CORRUPTED) for a damaged one. */
    @FunctionalInterface
    public interface Describer {
        ObjectInfo describe(String name, ObjectDirectory.Opened header);
    }

    private static final ProcessLiveness LIVENESS = ProcessLiveness.system();

    /** What a collection read of one object: its identity, its owner record (or null) and its description. */
    private record Candidate(Object fileKey, long device, long inode, MappedRegion record, ObjectInfo info) {
    }

    /** How a kind's objects are read and when they count as held. */
    private interface Reader {
        Candidate read(Path file, String name) throws IOException;

        /** Who may hold the object now. */
        ProcessMaps.Holders holders(ProcessMaps processes, Candidate c);
    }

    /** What one collection kept only for want of reading a process, by name, and those processes. */
    private static final class Tally {
        final Map<String, ObjectInfo> kept = new LinkedHashMap<>();
        final Set<Long> unread = new TreeSet<>();
    }

    private final ObjectQuarantine quarantine;
    private final ObjectDirectory directory;
    private final int creatorOffset;
    private final int namespaceOffset;
    private final Reader reader;
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
        this(directory, creatorOffset, namespaceOffset, new Reader() {
            @Override
            public Candidate read(Path file, String name) {
                ObjectDirectory.Opened header = directory.snapshot(file, name, headerLength);
                ObjectInfo info = describer.describe(name, header); // a damaged header is CORRUPTED, not judged
                return new Candidate(header.attributes().fileKey(), header.device(), header.inode(),
                        ObjectOwners.ownerRecord(header), info);
            }

            @Override
            public ProcessMaps.Holders holders(ProcessMaps processes, Candidate c) {
                // an opener holds its descriptor before it maps the file
                ProcessMaps.Holders mappers = processes.mappers(c.device(), c.inode());
                return mappers.seen().isEmpty() ? mappers.and(processes.openers(c.device(), c.inode())) : mappers;
            }
        }, kept);
    }

    private StaleObjects(ObjectDirectory directory, int creatorOffset, int namespaceOffset, Reader reader,
            Predicate<ObjectInfo> kept) {
        this.directory = directory;
        this.quarantine = new ObjectQuarantine(directory);
        this.creatorOffset = creatorOffset;
        this.namespaceOffset = namespaceOffset;
        this.reader = reader;
        this.kept = kept;
    }

    /**
     * The collector of the FIFOs in a directory of named pipes: a FIFO has no header, so its
     * creator is read from the owner record its creator wrote ({@link ObjectOwners#recordOwner});
     * a FIFO without one (made by another program) is kept.
     *
     * @param creatorOffset   where that record holds the creator's owner word (long)
     * @param namespaceOffset where it holds the creator's namespaces (long)
     */
    public static StaleObjects fifos(ObjectDirectory directory, int creatorOffset, int namespaceOffset) {
        return new StaleObjects(directory, creatorOffset, namespaceOffset, new Reader() {
            @Override
            public Candidate read(Path file, String name) throws IOException {
                PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isOther()) {
                    throw new IpcException(IpcError.CORRUPTED, directory.type().label() + " '" + name + "': " + file
                            + " is not a FIFO");
                }
                Map<String, Object> id = Files.readAttributes(file, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
                long inode = ((Number) id.get("ino")).longValue();
                MappedRegion record = OwnerRecords.read(directory.directory(), inode);
                Permissions permissions = ObjectOwners.permissionsOf(a);
                ObjectInfo info = new ObjectInfo(directory.type(), inode, Optional.of(name),
                        ObjectOwners.creatorIn(record, permissions), permissions,
                        FifoCalls.defaultPipeSize(), true,
                        Statistics.of(new long[Counter.values().length], WaitTimes.NONE));
                return new Candidate(a.fileKey(), ((Number) id.get("dev")).longValue(), inode, record, info);
            }

            @Override
            public ProcessMaps.Holders holders(ProcessMaps processes, Candidate c) {
                return processes.openers(c.device(), c.inode());
            }
        }, info -> false);
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
     * @param processMaps who may map or hold open a file (nothing is removed where it is not supported)
     * @param judged      called when an object has been judged stale, before it is moved aside (tests)
     */
    public List<ObjectInfo> collect(ProcessMaps processMaps, Runnable judged) {
        return collectStale(processMaps, judged).removed();
    }

    /**
     * {@link #collect}, saying also which objects it kept only because a process that might hold
     * them could not be read (their creator dead for certain, no process it could read holding
     * them), and which processes those were, with their commands.
     */
    public StaleCollection collectStale(ProcessMaps processMaps, Runnable judged) {
        List<ObjectInfo> removed = new ArrayList<>();
        if (!processMaps.supported()) {
            return StaleCollection.NONE;
        }
        Tally tally = new Tally();
        for (ObjectQuarantine.Quarantined left : quarantine.quarantined()) {
            try {
                removeIfStale(left, null, processMaps, removed, tally);
            } catch (IpcException cannotRestore) {
                // stays aside; the next collection looks at it again
            }
        }
        for (String name : directory.names()) {
            try {
                Candidate c = reader.read(directory.path(name), name);
                if (isStale(c, processMaps, tally)) {
                    judged.run();
                    removeIfStale(quarantine.quarantine(name), c.fileKey(), processMaps, removed, tally);
                }
            } catch (IpcException | IOException e) {
                // gone, corrupted or changing meanwhile: not proven unused
            }
        }
        removed.forEach(r -> tally.kept.remove(r.displayName()));
        List<StaleCollection.UnreadableProcess> unread = new ArrayList<>();
        for (long pid : tally.unread) {
            unread.add(new StaleCollection.UnreadableProcess(pid, processMaps.command(pid)));
        }
        return new StaleCollection(removed, new ArrayList<>(tally.kept.values()), unread);
    }

    /**
     * Deletes a file moved aside if it is the one judged ({@code judged}, or any for a leftover)
     * and is still stale, else puts it back under its name.
     */
    private void removeIfStale(ObjectQuarantine.Quarantined q, Object judged, ProcessMaps processMaps,
            List<ObjectInfo> removed, Tally tally) {
        try {
            if (judged == null || judged.equals(q.fileKey())) {
                Candidate c = reader.read(q.path(), q.name());
                if (c.fileKey().equals(q.fileKey()) && isStale(c, processMaps, tally)) {
                    quarantine.delete(q);
                    removed.add(c.info());
                    return;
                }
            }
        } catch (NoSuchFileException gone) {
            return;
        } catch (IpcException | IOException notProven) {
            // kept
        }
        quarantine.restore(q);
    }

    /**
     * Whether an object is not kept by its kind, its recorded creator is dead for certain and no
     * process may hold it; one that only processes that could not be read may hold goes into the
     * tally.
     */
    private boolean isStale(Candidate c, ProcessMaps processMaps, Tally tally) {
        MappedRegion r = c.record();
        if (kept.test(c.info()) || r == null
                || !LIVENESS.isOwnerDead(r.getLong(creatorOffset), r.getLong(namespaceOffset))) {
            return false;
        }
        ProcessMaps.Holders holders = reader.holders(processMaps, c);
        if (!holders.mayHold()) {
            return true;
        }
        if (holders.seen().isEmpty()) {
            tally.kept.put(c.info().displayName(), c.info());
            tally.unread.addAll(holders.unread());
        }
        return false;
    }
}
