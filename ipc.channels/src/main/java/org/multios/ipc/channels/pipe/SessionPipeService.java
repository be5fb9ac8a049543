package org.multios.ipc.channels.pipe;

import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * The pipe service of one calling process: every end it returns belongs to its session, and
 * every call runs inside the session ({@link PipeSession#enter}), so that its release waits for
 * it. The platform's object limit is checked after the object is made, counting it, and the
 * object is undone if that passes the limit: concurrent creators cannot both pass it.
 */
final class SessionPipeService implements PipeService {
    private final PipeMechanism mechanism;
    private final PipeSession session;
    private final FifoOpener opener;

    SessionPipeService(PipeMechanism mechanism, PipeSession session) {
        this.mechanism = mechanism;
        this.session = session;
        this.opener = new FifoOpener(mechanism.fifos(), session);
    }

    private CallerContext caller() {
        return session.caller();
    }

    private void enter() {
        mechanism.checkOpen();
        session.enter();
    }

    private static boolean nonBlocking(Set<PipeFlag> flags, String what) {
        if (flags == null) {
            throw IpcException.invalidArgument(what + ": flags must not be null");
        }
        for (PipeFlag f : flags.toArray(new PipeFlag[0])) {
            if (f == null) {
                throw IpcException.invalidArgument(what + ": flags must not hold null");
            }
        }
        return flags.contains(PipeFlag.NON_BLOCKING);
    }

    /** Checks the platform's object limit counting the pipe just made. */
    private void checkObjectLimit() {
        mechanism.environment().limits().check(Limit.OBJECTS, mechanism.liveCount(), "pipes");
    }

    @Override
    public Pipe create(int bufferSize, Set<PipeFlag> flags) {
        enter();
        try {
            boolean nonBlocking = nonBlocking(flags, "unnamed pipe");
            if (bufferSize < 1) {
                throw IpcException.invalidArgument("unnamed pipe: buffer size " + bufferSize + " must be at least 1");
            }
            mechanism.environment().limits().check(Limit.BUFFER_SIZE, bufferSize, "unnamed pipe buffer");
            CallerContext caller = caller();
            caller.reserve(Quota.OBJECTS, 1);
            try {
                mechanism.holdings().checkAnonymous(caller, "unnamed pipe");
            } catch (IpcException overQuota) {
                caller.release(Quota.OBJECTS, 1);
                throw overQuota;
            }
            session.at(PipeHook.CREATING);
            long id = mechanism.nextId();
            UnnamedPipe[] self = new UnnamedPipe[1];
            UnnamedPipe pipe = new UnnamedPipe(id, bufferSize, caller.process(), () -> {
                mechanism.forget(self[0]);
                caller.release(Quota.OBJECTS, 1);
            });
            self[0] = pipe;
            mechanism.register(pipe);
            try {
                checkObjectLimit();
            } catch (IpcException e) {
                mechanism.forget(pipe);
                caller.release(Quota.OBJECTS, 1);
                throw e;
            }
            String key = "#" + id;
            UnnamedReader reader = new UnnamedReader(session, pipe,
                    caller.register(ObjectType.PIPE, key, new Grant(Rights.READ | Rights.ADMIN)), nonBlocking);
            UnnamedWriter writer = new UnnamedWriter(session, pipe,
                    caller.register(ObjectType.PIPE, key, new Grant(Rights.WRITE | Rights.ADMIN)), nonBlocking);
            session.track(reader);
            session.track(writer);
            return new PipeEnds(id, reader, writer);
        } finally {
            session.exit();
        }
    }

    /**
     * Makes a FIFO, if its owner's objects quota has room for it beside what the IPC root holds.
     */
    @Override
    public void createNamed(String name, int mode) {
        createNamed(name, mode, false);
    }

    @Override
    public void createNamed(String name, int mode, boolean exclusive) {
        enter();
        try {
            FifoDirectory fifos = mechanism.fifos();
            fifos.path(name);
            if (mode < 0 || mode > Permissions.MAX_MODE) {
                throw IpcException.invalidArgument(FifoDirectory.label(name) + ": mode "
                        + Integer.toOctalString(mode) + " is outside 0..0777");
            }
            CreateRule.openOrCreate(exclusive, () -> fifos.permissions(name), () -> {
                makeFifo(fifos, name, Permissions.of(caller().process(), mode));
                return null;
            });
        } finally {
            session.exit();
        }
    }

    private void makeFifo(FifoDirectory fifos, String name, Permissions permissions) {
        caller().authorize(ObjectType.PIPE, name, permissions, Rights.ADMIN);
        session.at(PipeHook.CREATING);
        Object fileKey = mechanism.holdings().creating(caller(), FifoDirectory.label(name), 0,
                () -> fifos.create(name, permissions, caller().process()));
        try {
            checkObjectLimit();
        } catch (IpcException e) {
            fifos.remove(name, fileKey);
            throw e;
        }
    }

    @Override
    public PipeReader openReader(String name) {
        return openReader(name, Set.of());
    }

    @Override
    public PipeReader openReader(String name, Set<PipeFlag> flags) {
        return (PipeReader) openEnd(name, flags, false);
    }

    @Override
    public PipeWriter openWriter(String name) {
        return openWriter(name, Set.of());
    }

    @Override
    public PipeWriter openWriter(String name, Set<PipeFlag> flags) {
        return (PipeWriter) openEnd(name, flags, true);
    }

    /** Opens an end of the named pipe in this session. */
    private PipeEnd<NamedPipe> openEnd(String name, Set<PipeFlag> flags, boolean forWriting) {
        enter();
        try {
            boolean nonBlocking = nonBlocking(flags, FifoDirectory.label(name));
            FifoOpener.Opened opened = opener.open(name, forWriting);
            NamedPipe pipe = new NamedPipe(name, opened.inode(), mechanism.fifos(), mechanism.countersOf(name));
            return session.track(forWriting ? new FifoWriter(session, pipe, opened, nonBlocking)
                    : new FifoReader(session, pipe, opened, nonBlocking));
        } finally {
            session.exit();
        }
    }

    @Override
    public void unlink(String name) {
        enter();
        try {
            FifoDirectory fifos = mechanism.fifos();
            for (int attempt = 1; attempt <= FifoOpener.ATTEMPTS; attempt++) {
                PosixFileAttributes found = fifos.fifoAttributes(name);
                caller().authorize(ObjectType.PIPE, name, ObjectOwners.permissionsOf(found), Rights.ADMIN);
                if (fifos.unlink(name, found)) {
                    mechanism.unlinked(name);
                    return;
                }
            }
            throw new IpcException(IpcError.BUSY, FifoDirectory.label(name)
                    + " was re-created or changed " + FifoOpener.ATTEMPTS + " times while being unlinked");
        } finally {
            session.exit();
        }
    }
}
