package org.multios.ipc.net.internal.datagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.internal.stream.Reach;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;

/**
 * A UDP target named by a host whose lookups keep giving new addresses (a pool, or a resolver
 * someone else controls): each address is decided once under the target's grant and registered
 * under it, and what a kept target holds stays bounded.
 */
class TargetGrantsTest {
    private static final Endpoint TARGET = Endpoint.udp("pool.example", 123);

    private static Reach answer(int i) {
        return new Reach(TARGET, List.of("udp://10.0." + (i >> 8 & 255) + "." + (i & 255) + ":123"), null, null);
    }

    @Test
    void aTargetWhoseAnswersKeepChangingHoldsABoundedNumberOfAddresses() {
        RecordingCaller owner = RecordingCaller.osUser(1000);
        TargetGrants grants = new TargetGrants(owner);
        for (int i = 0; i < 1000; i++) {
            grants.requireWrite(TARGET, "send to");
            grants.requireReached(answer(i), "send to");
            assertThat(grants.reachedKept(TARGET)).as("addresses kept after %d answers", i + 1)
                    .isBetween(1, TargetGrants.REACHED);
        }
        Set<Grant> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(owner.grants());
        assertThat(distinct).as("a grant per address decided, and the target's, decided afresh every %d addresses",
                TargetGrants.REACHED).hasSize(1000 + (1000 + TargetGrants.REACHED - 1) / TargetGrants.REACHED);
    }

    @Test
    void aRevokedTargetStaysRefusedHoweverItsAnswersChange() {
        RecordingCaller owner = RecordingCaller.osUser(1000);
        TargetGrants grants = new TargetGrants(owner);
        grants.requireWrite(TARGET, "send to");
        grants.requireReached(answer(0), "send to");
        owner.revokeAll();
        for (int i = 1; i <= TargetGrants.REACHED + 1; i++) {
            int n = i;
            assertThatThrownBy(() -> grants.requireReached(answer(n), "send to")).isInstanceOfSatisfying(
                    IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        }
    }
}
