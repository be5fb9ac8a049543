package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.util.EnumSet;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.core.mapped.CreateRule;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.sync.Condition;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Semaphores, mutexes and condition variables, plain Java: named ones are pages under
 * {@code <root>/semaphore}, {@code <root>/mutex} and {@code <root>/condition}, anonymous ones
 * unlinked pages; all block in the kernel on a shared word.
 */
public final class SyncMechanism extends SyncMechanismBase<SyncService> {
    /** A mechanism working in the given environment. */
    public SyncMechanism(IpcEnvironment environment) {
        super(SyncService.class, environment, EnumSet.of(ObjectType.SEMAPHORE, ObjectType.MUTEX, ObjectType.CONDITION));
    }

    @Override
    long capacity(ObjectType type, MappedRegion region) {
        return capacityOf(type, region);
    }

    /** What a semaphore (its maximum), mutex (1), condition or event (0) reports as its capacity. */
    static long capacityOf(ObjectType type, MappedRegion region) {
        return switch (type) {
            case SEMAPHORE -> region.getIntVolatile(WORD2);
            case MUTEX -> 1;
            default -> 0;
        };
    }

    @Override
    protected SyncService service(SyncSession session) {
        return new Service(session);
    }

    private static void initSemaphore(MappedRegion r, SemaphoreOptions o) {
        r.putInt(STATE, o.initial());
        r.putInt(WORD2, o.max());
        waitStrategy(r, o.waitStrategy());
    }

    private static void initMutex(MappedRegion r, MutexOptions o) {
        r.putInt(WORD2, (o.recursive() ? OPTION_RECURSIVE : 0) | (o.robust() ? OPTION_ROBUST : 0));
        r.putLong(HOME_NAMESPACE, ProcessLiveness.system().namespaces());
        waitStrategy(r, o.waitStrategy());
    }

    private static void sameMax(MappedRegion existing, String what, SemaphoreOptions asked) {
        int max = existing.getIntVolatile(WORD2);
        if (max != asked.max()) {
            throw CreateRule.mismatch(what, "maximum", max, asked.max());
        }
    }

    private static void sameMutexOptions(MappedRegion existing, String what, MutexOptions asked) {
        int options = existing.getIntVolatile(WORD2);
        boolean recursive = (options & OPTION_RECURSIVE) != 0;
        boolean robust = (options & OPTION_ROBUST) != 0;
        if (recursive != asked.recursive()) {
            throw CreateRule.mismatch(what, "recursive", recursive, asked.recursive());
        }
        if (robust != asked.robust()) {
            throw CreateRule.mismatch(what, "robust", robust, asked.robust());
        }
    }

    private final class Service extends CallerService implements SyncService {
        Service(SyncSession session) {
            super(session, session.gate());
        }

        @Override
        public Semaphore createSemaphore(SemaphoreOptions options) {
            return call(() -> {
                SyncStore.Attached a = store.createAnonymous(session.caller(), ObjectType.SEMAPHORE,
                        r -> initSemaphore(r, options));
                return session.track(new SemaphoreHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Semaphore createSemaphore(String name, SemaphoreOptions options, Permissions permissions) {
            return call(() -> {
                SyncStore.Attached a = store.openOrCreate(session.caller(), ObjectType.SEMAPHORE, name, permissions,
                        options.exclusive(), Rights.READ, (existing, what) -> sameMax(existing, what, options),
                        r -> initSemaphore(r, options));
                return session.track(new SemaphoreHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Semaphore createSemaphore(String name, SemaphoreOptions options, int mode) {
            return createSemaphore(name, options, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public Semaphore openSemaphore(String name) {
            return call(() -> {
                SyncStore.Attached a = store.open(session.caller(), ObjectType.SEMAPHORE, name, Rights.READ);
                return session.track(new SemaphoreHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public void unlinkSemaphore(String name) {
            run(() -> store.unlink(session.caller(), ObjectType.SEMAPHORE, name));
        }

        @Override
        public Mutex createMutex(MutexOptions options) {
            return call(() -> {
                SyncStore.Attached a = store.createAnonymous(session.caller(), ObjectType.MUTEX, r -> initMutex(r, options));
                return session.track(new MutexHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Mutex createMutex(String name, MutexOptions options, Permissions permissions) {
            return call(() -> {
                SyncStore.Attached a = store.openOrCreate(session.caller(), ObjectType.MUTEX, name, permissions,
                        options.exclusive(), Rights.NONE, (existing, what) -> sameMutexOptions(existing, what, options),
                        r -> initMutex(r, options));
                return session.track(new MutexHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Mutex createMutex(String name, MutexOptions options, int mode) {
            return createMutex(name, options, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public Mutex openMutex(String name) {
            return call(() -> {
                SyncStore.Attached a = store.open(session.caller(), ObjectType.MUTEX, name, Rights.NONE);
                return session.track(new MutexHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public void unlinkMutex(String name) {
            run(() -> store.unlink(session.caller(), ObjectType.MUTEX, name));
        }

        @Override
        public Condition createCondition() {
            return call(() -> {
                SyncStore.Attached a = store.createAnonymous(session.caller(), ObjectType.CONDITION, r -> { });
                return session.track(new ConditionHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Condition createCondition(String name, Permissions permissions) {
            return createCondition(name, permissions, false);
        }

        @Override
        public Condition createCondition(String name, int mode, boolean exclusive) {
            return createCondition(name, Permissions.of(session.caller().process(), mode), exclusive);
        }

        private Condition createCondition(String name, Permissions permissions, boolean exclusive) {
            return call(() -> {
                SyncStore.Attached a = store.openOrCreate(session.caller(), ObjectType.CONDITION, name, permissions,
                        exclusive, Rights.READ, (existing, what) -> { }, r -> { });
                return session.track(new ConditionHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public Condition createCondition(String name, int mode) {
            return createCondition(name, Permissions.of(session.caller().process(), mode));
        }

        @Override
        public Condition openCondition(String name) {
            return call(() -> {
                SyncStore.Attached a = store.open(session.caller(), ObjectType.CONDITION, name, Rights.READ);
                return session.track(new ConditionHandle(session, a.object(), a.grant()));
            });
        }

        @Override
        public void unlinkCondition(String name) {
            run(() -> store.unlink(session.caller(), ObjectType.CONDITION, name));
        }
    }
}
