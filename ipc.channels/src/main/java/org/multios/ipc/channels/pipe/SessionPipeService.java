package org.multios.ipc.channels.pipe;

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
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/** The pipe service of one calling process: every end it returns belongs to its session. */
final class SessionPipeService implements PipeService {
    private final PipeMechanism mechanism;
    private final PipeSession session;

    SessionPipeService(PipeMechanism mechanism, PipeSession session) {
        this.mechanism = mechanism;
        this.session = session;
    }

    private CallerContext caller() {
        return session.caller();
    }

    private void checkOpen() {
        mechanism.checkOpen();
        if (session.isClosed()) {
            throw IpcException.closed("the pipe service of " + caller().process());
        }
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

    @Override
    public Pipe create(int bufferSize, Set<PipeFlag> flags) {
        checkOpen();
        boolean nonBlocking = nonBlocking(flags, "unnamed pipe");
        if (bufferSize < 1) {
            throw IpcException.invalidArgument("unnamed pipe: buffer size " + bufferSize + " must be at least 1");
        }
        var limits = mechanism.environment().limits();
        limits.check(Limit.BUFFER_SIZE, bufferSize, "unnamed pipe buffer");
        limits.check(Limit.OBJECTS, mechanism.liveCount() + 1, "pipes");
        CallerContext caller = caller();
        caller.reserve(Quota.OBJECTS, 1);
        long id = mechanism.nextId();
        UnnamedPipe[] self = new UnnamedPipe[1];
        UnnamedPipe pipe = new UnnamedPipe(id, bufferSize, caller.process(), () -> {
            mechanism.forget(self[0]);
            caller.release(Quota.OBJECTS, 1);
        });
        self[0] = pipe;
        mechanism.register(pipe);
        UnnamedReader reader = new UnnamedReader(session, pipe, new Grant(Rights.READ | Rights.ADMIN), nonBlocking);
        UnnamedWriter writer = new UnnamedWriter(session, pipe, new Grant(Rights.WRITE | Rights.ADMIN), nonBlocking);
        session.track(reader);
        session.track(writer);
        return new PipeEnds(id, reader, writer);
    }

    @Override
    public void createNamed(String name, int mode) {
        checkOpen();
        FifoDirectory fifos = mechanism.fifos();
        fifos.path(name);
        if (mode < 0 || mode > Permissions.MAX_MODE) {
            throw IpcException.invalidArgument(FifoDirectory.label(name) + ": mode " + Integer.toOctalString(mode)
                    + " is outside 0..0777");
        }
        mechanism.environment().limits().check(Limit.OBJECTS, mechanism.liveCount() + 1, "pipes");
        Permissions permissions = Permissions.of(caller().process(), mode);
        caller().authorize(ObjectType.PIPE, name, permissions, Rights.ADMIN);
        caller().reserve(Quota.OBJECTS, 1);
        try {
            fifos.create(name, permissions);
        } finally {
            caller().release(Quota.OBJECTS, 1);
        }
    }

    @Override
    public PipeReader openReader(String name) {
        return openReader(name, Set.of());
    }

    @Override
    public PipeReader openReader(String name, Set<PipeFlag> flags) {
        checkOpen();
        NamedPipe pipe = named(name);
        boolean nonBlocking = nonBlocking(flags, pipe.displayName());
        Grant grant = caller().authorize(ObjectType.PIPE, name, mechanism.fifos().permissions(name), Rights.READ);
        int fd = FifoCalls.open(pipe.path(), FifoCalls.O_RDONLY);
        if (fd < 0) {
            throw refused(pipe, fd, "read");
        }
        return session.track(new FifoReader(session, pipe, grant, nonBlocking, fd));
    }

    @Override
    public PipeWriter openWriter(String name) {
        return openWriter(name, Set.of());
    }

    @Override
    public PipeWriter openWriter(String name, Set<PipeFlag> flags) {
        checkOpen();
        NamedPipe pipe = named(name);
        boolean nonBlocking = nonBlocking(flags, pipe.displayName());
        Grant grant = caller().authorize(ObjectType.PIPE, name, mechanism.fifos().permissions(name), Rights.WRITE);
        int fd = FifoCalls.open(pipe.path(), FifoCalls.O_WRONLY);
        if (fd < 0 && fd != -FifoCalls.ENXIO) {
            throw refused(pipe, fd, "write");
        }
        return session.track(new FifoWriter(session, pipe, grant, nonBlocking, fd < 0 ? -1 : fd));
    }

    private NamedPipe named(String name) {
        FifoDirectory fifos = mechanism.fifos();
        fifos.permissions(name);
        return new NamedPipe(name, fifos.inode(name), fifos, mechanism.countersOf(name));
    }

    private IpcException refused(NamedPipe pipe, int negatedErrno, String access) {
        String reason = FifoCalls.strerror(-negatedErrno);
        return switch (-negatedErrno) {
            case FifoCalls.EACCES -> IpcException.permissionDenied(access + " (the operating system refused: "
                    + reason + ")", pipe.displayName(), caller().process().toString());
            case FifoCalls.ENOENT -> IpcException.notFound(ObjectType.PIPE, pipe.name().orElseThrow());
            default -> new IpcException(IpcError.IO_ERROR, pipe.displayName() + ": cannot open it for " + access
                    + "ing: " + reason);
        };
    }

    @Override
    public void unlink(String name) {
        checkOpen();
        FifoDirectory fifos = mechanism.fifos();
        caller().authorize(ObjectType.PIPE, name, fifos.permissions(name), Rights.ADMIN);
        fifos.unlink(name);
        mechanism.unlinked(name);
    }
}
