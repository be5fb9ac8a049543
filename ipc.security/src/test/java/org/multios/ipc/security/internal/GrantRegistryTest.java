package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;

class GrantRegistryTest {
    @Test
    void revokesOnlyTheNamedProcessesGrantsOnTheObject() {
        GrantRegistry r = new GrantRegistry();
        Grant mine = new Grant(Rights.READ_WRITE);
        Grant mineOther = new Grant(Rights.READ);
        Grant theirs = new Grant(Rights.READ);
        r.add(1, ObjectType.QUEUE, "q", mine);
        r.add(1, ObjectType.QUEUE, "other", mineOther);
        r.add(2, ObjectType.QUEUE, "q", theirs);

        assertThat(r.revoke(1, ObjectType.QUEUE, "q")).isEqualTo(1);
        assertThat(mine.allows(Rights.READ)).isFalse();
        assertThat(mine.rights()).isEqualTo(Rights.NONE);
        assertThat(mineOther.allows(Rights.READ)).isTrue();
        assertThat(theirs.allows(Rights.READ)).isTrue();
        assertThat(r.revoke(1, ObjectType.QUEUE, "q")).isZero();
    }

    /**
     * A revocation action that needs the registry (a bridge's exporter revoked: its peers'
     * connections close and end their sessions, while a peer's open waits on the registry) must
     * not find it locked by the revocation that runs it.
     */
    @Test
    @Timeout(60)
    void revocationActionsRunOutsideTheRegistrysLock() throws Exception {
        GrantRegistry r = new GrantRegistry();
        Grant exporter = new Grant(Rights.READ_WRITE);
        r.add(1, ObjectType.ENDPOINT, "bridge", exporter);
        CompletableFuture<Grant> peerOpen = new CompletableFuture<>();
        exporter.onRevoke(() -> {
            Thread open = new Thread(() -> peerOpen.complete(
                    r.register(2, ObjectType.QUEUE, "q", () -> new Grant(Rights.READ))), "peer-open");
            open.setDaemon(true);
            open.start();
            try {
                peerOpen.get(20, TimeUnit.SECONDS); // under the registry's lock: never completes
            } catch (Exception e) {
                peerOpen.completeExceptionally(e);
            }
        });

        assertThat(r.revoke(1, ObjectType.ENDPOINT, "bridge")).isEqualTo(1);

        assertThat(peerOpen).isCompletedWithValueMatching(g -> g.allows(Rights.READ), "the peer's open got its grant");
    }
}
