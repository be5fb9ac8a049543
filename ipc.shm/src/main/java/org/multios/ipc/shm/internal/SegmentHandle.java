package org.multios.ipc.shm.internal;

import static org.multios.ipc.shm.internal.SegmentDescriptor.HANDLES_NOW_OFFSET;

import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;

/**
 * A caller's handle on a segment, with the rights granted when it was opened. Revoking the grant
 * detaches the handle's mapping ({@link Segment#detach()}).
 */
final class SegmentHandle extends GuardedHandle implements SharedMemory {
    private final Session session;
    private final Segment segment;
    private final boolean osWritable;

    SegmentHandle(Session session, Segment segment, Grant grant, boolean osWritable) {
        super(session.caller(), session.gate(), grant);
        this.session = session;
        this.segment = segment;
        this.osWritable = osWritable;
        segment.retain();
        segment.countNow(HANDLES_NOW_OFFSET, 1);
        grant.onRevoke(segment::detach);
    }

    Segment segmentObject() {
        return segment;
    }

    /** Reports a refused operation of a mapping to the caller context's audit. */
    void denied(String operation) {
        session.caller().denied(ObjectType.SHARED_MEMORY, segment.name().orElse("#" + segment.id()), operation);
    }

    String owner() {
        return session.caller().process().toString();
    }

    @Override
    public String describe() {
        return "handle on " + segment.displayName();
    }

    @Override
    public ObjectType type() {
        return ObjectType.SHARED_MEMORY;
    }

    @Override
    public long id() {
        return segment.id();
    }

    @Override
    public Optional<String> name() {
        return segment.name();
    }

    /** Whether the handle's grant still allows the rights. */
    boolean allows(int required) {
        return grant().allows(required);
    }

    @Override
    public ObjectInfo info() {
        session.flushCounters(segment);
        return segment.info();
    }

    @Override
    public void setPermissions(Permissions permissions) {
        require(Rights.ADMIN, "change the permissions of");
        segment.setPermissions(permissions);
    }

    @Override
    public long size() {
        return segment.size();
    }

    @Override
    public Mapping map(MapAccess access) {
        return map(access, 0, segment.size());
    }

    @Override
    public Mapping map(MapAccess access, long offset, long length) {
        checkOpen();
        if (access == null) {
            throw IpcException.invalidArgument(segment.displayName() + ": map access must be given");
        }
        if (offset < 0 || length <= 0 || offset > segment.size() - length) {
            throw IpcException.invalidArgument(segment.displayName() + ": window of " + length + " bytes at " + offset
                    + " is outside the segment of " + segment.size() + " bytes");
        }
        require(access.requiredRights(), access.isWritable() ? "map for writing" : "map");
        if (access.isWritable() && !osWritable) {
            throw IpcException.permissionDenied("map for writing (the operating system refused write access)",
                    segment.displayName(), owner());
        }
        return session.map(this, segment, access, offset, length);
    }

    @Override
    public void write(long offset, byte[] data) {
        require(Rights.WRITE, "write to");
        if (!osWritable) {
            throw IpcException.permissionDenied("write to (the operating system refused write access)",
                    segment.displayName(), owner());
        }
        checkRange(offset, data.length);
        try {
            segment.region().putBytes(SegmentDescriptor.DATA_OFFSET + offset, data, 0, data.length);
            segment.count(SegmentDescriptor.BYTES_WRITTEN_OFFSET, data.length);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public int read(long offset, byte[] buffer) {
        require(Rights.READ, "read from");
        checkRange(offset, buffer.length);
        try {
            segment.region().getBytes(SegmentDescriptor.DATA_OFFSET + offset, buffer, 0, buffer.length);
            segment.count(SegmentDescriptor.BYTES_READ_OFFSET, buffer.length);
            return MappedFault.passed(buffer.length);
        } catch (Error e) {
            throw fault(e);
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > segment.size() - length) {
            throw IpcException.invalidArgument(segment.displayName() + ": " + length + " bytes at offset " + offset
                    + " are outside the segment of " + segment.size() + " bytes");
        }
    }

    @Override
    public boolean isUnlinked() {
        return segment.isUnlinked();
    }

    @Override
    public void close() {
        if (markClosed()) {
            try {
                segment.countNow(HANDLES_NOW_OFFSET, -1);
            } catch (Error e) {
                fault(e); // its file was truncated: closed all the same
            }
            session.forget(this);
            segment.release();
        }
    }

    /** A fault of the segment's mapping (its file truncated under it) closes the handle: {@link MappedFault}. */
    @Override
    protected IpcException mappingFault(Error e) {
        return MappedFault.diagnose(e, segment.region(), describe());
    }

    /** {@link #fault} for the handle's mappings: their accesses fault on the same file. */
    IpcException faulted(Error e) {
        return fault(e);
    }

    /** {@link #corruption()} for the handle's mappings. */
    IpcException corrupted() {
        return corruption();
    }
}
