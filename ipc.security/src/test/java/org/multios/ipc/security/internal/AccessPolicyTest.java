package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;

class AccessPolicyTest {
    private static final IpcProcess SENSOR = new IpcProcess(ProcessKind.BUNDLE, 7, "com.example.sensor", 1, 0, "sensor",
            Set.of("sensors"));
    private static final IpcProcess GUEST = new IpcProcess(ProcessKind.BUNDLE, 8, "com.example.guest", 1, 0, "guest",
            Set.of("guests"));
    private static final Permissions PRIVATE = new Permissions("gateway", "gateway", 0600);

    @Test
    void withoutRulesTheModeDecides() {
        AccessPolicy p = AccessPolicy.of(List.of());
        assertThat(p.rights(SENSOR, ObjectType.QUEUE, "telemetry", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(SENSOR, ObjectType.QUEUE, "telemetry", new Permissions("sensor", "x", 0600)))
                .isEqualTo(Rights.ALL);
    }

    @Test
    void allowRulesAddRightsByGroupUserBundleAndNamePattern() {
        AccessPolicy p = AccessPolicy.of(List.of("allow group:sensors rw queue:telemetry.*",
                "allow user:guest r shm:*", "allow bundle:com.example.* a event:door"));
        assertThat(p.rights(SENSOR, ObjectType.QUEUE, "telemetry.temp", PRIVATE)).isEqualTo(Rights.READ_WRITE);
        assertThat(p.rights(SENSOR, ObjectType.QUEUE, "orders", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(SENSOR, ObjectType.CHANNEL, "telemetry.temp", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(GUEST, ObjectType.SHARED_MEMORY, "frames", PRIVATE)).isEqualTo(Rights.READ);
        assertThat(p.rights(GUEST, ObjectType.EVENT, "door", PRIVATE)).isEqualTo(Rights.ADMIN);
    }

    @Test
    void denyWinsOverAllowAndOverTheMode() {
        AccessPolicy p = AccessPolicy.of(List.of("allow * * *:*", "deny group:guests wa *:*"));
        assertThat(p.rights(GUEST, ObjectType.QUEUE, "q", new Permissions("guest", "guests", 0600)))
                .isEqualTo(Rights.READ);
        assertThat(p.rights(SENSOR, ObjectType.QUEUE, "q", PRIVATE)).isEqualTo(Rights.ALL);
    }

    @Test
    void badRulesAreRefusedNamingTheRule() {
        for (String bad : List.of("permit * r *:*", "allow someone r queue:x", "allow * q queue:x",
                "allow * r nothing:x", "allow * r queue", "allow * r")) {
            assertThatThrownBy(() -> AccessPolicy.of(List.of(bad)))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                    .hasMessageContaining(bad);
        }
    }
}
