package org.multios.ipc.security.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.multios.ipc.ObjectType;
import org.multios.ipc.spi.Grant;

/**
 * The grants handed out, by process and object, so that an operator can revoke a process's open
 * handles on an object. Grants are held weakly: a handle that is gone takes its grant with it, and
 * the collector's cleared references are dropped at the next registration, each from its own
 * object (a reference queue), so the registry holds the grants that live and those the collector
 * has not yet found gone, whatever the number of objects, with no sweep over all of them.
 * Access decisions and their registration ({@link #register}), revocations and policy changes
 * ({@link #exclusive}) are serialized on the registry, so each open's decision and registration
 * come wholly before or wholly after each policy change and each revocation's removal of the
 * grants it revokes: an open that completes after either returned reflects it. Revocation
 * actions run outside the registry's lock.
 */
final class GrantRegistry {
    private record Key(long processId, ObjectType type, String name) {
    }

    /** A grant held weakly, with the object it is registered under. */
    private static final class Held extends WeakReference<Grant> {
        final Key key;

        Held(Grant grant, Key key, ReferenceQueue<Grant> queue) {
            super(grant, queue);
            this.key = key;
        }
    }

    /** Guarded by {@code this}; each object's grants in the order registered (references compare by identity). */
    private final Map<Key, Set<Held>> grants = new HashMap<>();
    private final ReferenceQueue<Grant> cleared = new ReferenceQueue<>();

    /**
     * Makes an access decision (which throws if it denies) and registers the grant it returns, as
     * one step with respect to {@link #revoke} and {@link #exclusive}.
     */
    synchronized Grant register(long processId, ObjectType type, String name, Supplier<Grant> decision) {
        Grant grant = decision.get();
        add(processId, type, name, grant);
        return grant;
    }

    /** Runs a change of what decisions read (the policy in force) between decisions. */
    synchronized void exclusive(Runnable change) {
        change.run();
    }

    synchronized void add(long processId, ObjectType type, String name, Grant grant) {
        dropCleared();
        Key key = new Key(processId, type, name);
        grants.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(new Held(grant, key, cleared));
    }

    /** Drops the references the collector cleared since the last call, each from its object's set. */
    private void dropCleared() {
        for (Reference<? extends Grant> r = cleared.poll(); r != null; r = cleared.poll()) {
            Held held = (Held) r;
            Set<Held> set = grants.get(held.key);
            if (set != null && set.remove(held) && set.isEmpty()) {
                grants.remove(held.key);
            }
        }
    }

    /** The grants held now (live or not yet found gone by the collector), for tests. */
    synchronized int size() {
        dropCleared();
        return grants.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * Revokes the live grants of a process on an object; returns how many this call revoked. The
     * grants are read under the registry's lock and revoked after it is released: their revocation
     * actions (waking waiters, closing a bridge's peer connections, which end their sessions) may
     * need the registry, and an open that waits on it must not wait for them. They stay
     * registered until revoked, so a revocation of the same object that runs meanwhile waits for
     * this one's actions ({@link Grant#revoke} waits for one under way) rather than returning
     * before they ran. An open that completes after this returned registers a new grant, as before.
     * Every grant is revoked even if an action of one fails; the first failure is thrown afterwards
     * (naming the process and object, the others suppressed in it).
     *
     * @throws IllegalStateException if a revocation action failed (every grant is revoked all the same)
     */
    int revoke(long processId, ObjectType type, String name) {
        Key key = new Key(processId, type, name);
        List<Grant> live = new ArrayList<>();
        synchronized (this) {
            Set<Held> held = grants.get(key);
            if (held != null) {
                held.forEach(ref -> {
                    Grant g = ref.get();
                    if (g != null) {
                        live.add(g);
                    }
                });
            }
        }
        int n = 0;
        IllegalStateException failure = null;
        for (Grant g : live) {
            if (!g.isRevoked()) {
                n++;
            }
            try {
                g.revoke();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("revoking the grants of process " + processId + " on "
                            + type + " '" + name + "': an action failed (every grant is revoked)", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        synchronized (this) {
            Set<Held> held = grants.get(key);
            if (held != null) {
                held.removeIf(ref -> {
                    Grant g = ref.get(); // read once: the collector may clear it between two reads
                    return g == null || g.isRevoked();
                });
                if (held.isEmpty()) {
                    grants.remove(key);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return n;
    }

    /** Forgets the grants of a process that went away. */
    synchronized void forget(long processId) {
        grants.keySet().removeIf(k -> k.processId() == processId);
    }
}
