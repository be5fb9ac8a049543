package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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
}
