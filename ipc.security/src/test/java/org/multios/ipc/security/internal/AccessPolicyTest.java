package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.net.RootEndpoints;

class AccessPolicyTest {
    private static final IpcProcess SENSOR = new IpcProcess(ProcessKind.BUNDLE, 7, "com.example.sensor", 1, 0, "sensor",
            Set.of("sensors"));
    private static final IpcProcess GUEST = new IpcProcess(ProcessKind.BUNDLE, 8, "com.example.guest", 1, 0, "guest",
            Set.of("guests"));
    private static final Permissions PRIVATE = new Permissions("gateway", "gateway", 0600);
    private static final BundleFacts SENSOR_BUNDLE = new BundleFacts("file:/opt/ipc/bundles/sensor.jar",
            "com.example.sensor", List.of());
    private static final BundleFacts GUEST_BUNDLE = new BundleFacts("file:/opt/ipc/plugins/guest.jar",
            "com.example.guest", List.of());

    @Test
    void withoutRulesTheModeDecides() {
        AccessPolicy p = AccessPolicy.of(List.of());
        assertThat(p.rights(SENSOR, null, ObjectType.QUEUE, "telemetry", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(SENSOR, null, ObjectType.QUEUE, "telemetry", new Permissions("sensor", "x", 0600)))
                .isEqualTo(Rights.ALL);
    }

    /**
     * A denial says that a rule decided it, so a refusal never reads as if the mode bits had; which
     * rule is the operator's to read, in the audit line (SecurityPolicyInFrameworkTest), not the
     * refused caller's.
     */
    @Test
    void aDenialByARuleSaysSoWithoutTheRuleAndNothingWhenTheModeDecided() {
        Permissions open = new Permissions("sensor", "sensors", 0666);
        String rule = "deny group:sensors w queue:telemetry.*";
        var caller = SecurityCaller.standalone(SENSOR, List.of("deny group:guests * queue:*", "deny user:sensor r queue:other", rule));
        AccessPolicy policy = AccessPolicy.of(List.of("deny group:guests * queue:*", "deny user:sensor r queue:other", rule));

        assertThat(caller.authorize(ObjectType.QUEUE, "telemetry.temp", open, Rights.READ).rights()).isEqualTo(Rights.READ | Rights.ADMIN);
        assertThatThrownBy(() -> caller.authorize(ObjectType.QUEUE, "telemetry.temp", open, Rights.READ_WRITE))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("may not write to queue 'telemetry.temp' (rw-rw-rw- sensor:sensors; denied by a rule"
                        + " of the security policy, named in the audit log)")
                .message().doesNotContain("group:sensors");
        assertThat(policy.denyingRule(SENSOR, null, ObjectType.QUEUE, "telemetry.temp", Rights.WRITE)).isEqualTo(rule);
        assertThat(policy.denyingRule(SENSOR, null, ObjectType.QUEUE, "telemetry.temp", Rights.READ)).isNull();
        assertThat(policy.denyingRule(GUEST, null, ObjectType.QUEUE, "telemetry.temp", Rights.READ))
                .isEqualTo("deny group:guests * queue:*");
        assertThatThrownBy(() -> caller.authorize(ObjectType.QUEUE, "orders", PRIVATE, Rights.READ))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageEndingWith("may not read from queue 'orders' (rw------- gateway:gateway)");
    }

    @Test
    void allowRulesAddRightsByGroupUserBundleAndNamePattern() {
        AccessPolicy p = AccessPolicy.of(List.of("allow group:sensors rw queue:telemetry.*",
                "allow user:guest r shm:*", "allow bundle:file:/opt/ipc/plugins/* a event:door"));
        assertThat(p.rights(SENSOR, null, ObjectType.QUEUE, "telemetry.temp", PRIVATE)).isEqualTo(Rights.READ_WRITE);
        assertThat(p.rights(SENSOR, null, ObjectType.QUEUE, "orders", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(SENSOR, null, ObjectType.CHANNEL, "telemetry.temp", PRIVATE)).isEqualTo(Rights.NONE);
        assertThat(p.rights(GUEST, null, ObjectType.SHARED_MEMORY, "frames", PRIVATE)).isEqualTo(Rights.READ);
        assertThat(p.rights(GUEST, GUEST_BUNDLE, ObjectType.EVENT, "door", PRIVATE)).isEqualTo(Rights.ADMIN);
        assertThat(p.rights(SENSOR, SENSOR_BUNDLE, ObjectType.EVENT, "door", PRIVATE)).isEqualTo(Rights.NONE);
    }

    @Test
    void bundleRulesKeyOnTheLocationNotOnTheNameABundleChoosesForItself() {
        AccessPolicy p = AccessPolicy.of(List.of("allow bundle:file:/opt/ipc/bundles/sensor.jar rw queue:telemetry",
                "deny bundle:file:/opt/ipc/plugins/*;name=com.example.* * *:*"));
        BundleFacts impostor = new BundleFacts("file:/tmp/impostor.jar", "com.example.sensor", List.of());
        BundleFacts renamedPlugin = new BundleFacts("file:/opt/ipc/plugins/guest.jar", "org.other.name", List.of());
        Permissions open = new Permissions("gateway", "gateway", 0666);

        assertThat(p.rights(SENSOR, SENSOR_BUNDLE, ObjectType.QUEUE, "telemetry", PRIVATE)).isEqualTo(Rights.READ_WRITE);
        assertThat(p.rights(SENSOR, impostor, ObjectType.QUEUE, "telemetry", PRIVATE))
                .as("the sensor's name at another location gets none of its rights").isEqualTo(Rights.NONE);
        assertThat(p.rights(GUEST, GUEST_BUNDLE, ObjectType.QUEUE, "q", open)).isEqualTo(Rights.NONE);
        assertThat(p.rights(GUEST, renamedPlugin, ObjectType.QUEUE, "q", open))
                .as("the name is a further condition: it narrows a rule, never widens it")
                .isEqualTo(Rights.READ_WRITE);
        assertThat(p.rights(GUEST, null, ObjectType.QUEUE, "q", open)).as("a network peer is no bundle")
                .isEqualTo(Rights.READ_WRITE);
    }

    @Test
    void denyWinsOverAllowAndOverTheMode() {
        AccessPolicy p = AccessPolicy.of(List.of("allow * * *:*", "deny group:guests wa *:*"));
        assertThat(p.rights(GUEST, null, ObjectType.QUEUE, "q", new Permissions("guest", "guests", 0600)))
                .isEqualTo(Rights.READ);
        assertThat(p.rights(SENSOR, null, ObjectType.QUEUE, "q", PRIVATE)).isEqualTo(Rights.ALL);
    }

    /**
     * A rule's {@code *} matches any run of characters, line terminators too: a Unix endpoint's
     * path or a bundle's location with a newline (or CR, NEL, U+2028) in it is no way around a
     * deny rule. Regular expressions' {@code .} matched none of them before.
     */
    @Test
    void aStarMatchesLineTerminatorsSoNoNameSlipsPastADenyRule() {
        AccessPolicy p = AccessPolicy.of(List.of("deny * * endpoint:unix:/run/*",
                "deny bundle:file:/opt/ipc/plugins/* * *:*", "deny user:gu*st * queue:*"));
        Permissions own = new Permissions("sensor", "sensors", 0600);
        Permissions open = new Permissions("sensor", "sensors", 0666);
        for (String t : List.of("\n", "\r", "\u0085", "\u2028", "\u2029")) {
            assertThat(p.rights(SENSOR, null, ObjectType.ENDPOINT, "unix:/run/a" + t + "b.sock", own))
                    .as("endpoint with U+%04X", (int) t.charAt(0)).isEqualTo(Rights.NONE);
            BundleFacts plugin = new BundleFacts("file:/opt/ipc/plugins/x" + t + ".jar", "x", List.of());
            assertThat(p.rights(SENSOR, plugin, ObjectType.QUEUE, "q", own))
                    .as("location with U+%04X", (int) t.charAt(0)).isEqualTo(Rights.NONE);
            IpcProcess peer = new IpcProcess(ProcessKind.BUNDLE, 9, "peer", 1, 0, "gu" + t + "st", Set.of());
            assertThat(p.rights(peer, null, ObjectType.QUEUE, "q", open))
                    .as("user with U+%04X", (int) t.charAt(0)).isEqualTo(Rights.NONE);
        }
    }

    /** Rules match an endpoint by its text, and one socket has one text (EndpointTest has the forms). */
    @Test
    void aDenyRuleOnAnEndpointCatchesEveryWayOfWritingIt() {
        NetworkInterface lo = loopback();
        AccessPolicy p = AccessPolicy.of(List.of("deny * * endpoint:unix:/run/docker.sock",
                "deny * * endpoint:tcp://10.0.0.*:*", "deny * * endpoint:tcp://internal.example:*",
                "deny * * endpoint:tcp://[fe80::1%" + lo.getName() + "]:*"));
        Permissions own = new Permissions("sensor", "sensors", 0600);
        for (String text : List.of("unix:/run//docker.sock", "unix:////run/./docker.sock", "tcp://010.0.0.1:5432",
                "tcp://[::ffff:10.0.0.1]:5432", "tcp://Internal.EXAMPLE.:5432",
                "tcp://[fe80::1%" + lo.getIndex() + "]:5432", "tcp://[FE80::0:1%0" + lo.getIndex() + "]:5432")) {
            String name = org.multios.ipc.net.Endpoint.parse(text).toString();
            assertThat(p.rights(SENSOR, null, ObjectType.ENDPOINT, name, own)).as(text + " as " + name).isEqualTo(Rights.NONE);
        }
        assertThat(p.rights(SENSOR, null, ObjectType.ENDPOINT, "tcp://10.0.1.1:5432", own)).isEqualTo(Rights.ALL);
    }

    /** A rule written in another text than the endpoint's one keeps matching what it names. */
    @Test
    void aRuleWrittenAnotherWayThanTheEndpointsOneTextStillMatchesIt() {
        Permissions own = new Permissions("sensor", "sensors", 0600);
        for (String[] ruleAndEndpoint : new String[][] {
                { "tcp://DB.Example.com:*", "tcp://db.example.com:5432" },
                { "tcp://db.example.com.:*", "tcp://db.example.com:5432" },
                { "tcp://db.example.com:*", "tcp://db.example.com.:5432" },
                { "tcp://DB.example.com.:*", "tcp://db.example.com.:5432" },
                { "tcp://*.example.COM.:*", "tcp://db.example.com.:5432" },
                { "tcp://[0:0:0:0:0:0:0:1]:*", "tcp://[::1]:5432" },
                { "tcp://[2001:DB8::1]:5432", "tcp://[2001:db8::1]:5432" },
                { "udp://010.0.0.1:*", "udp://10.0.0.1:53" },
                { "TCP://Internal.*:*", "tcp://internal.example:1" },
                { "unix:/run//x.sock", "unix:/run/x.sock" },
                { "unix:///run/./sub//*.sock", "unix:/run/sub/a.sock" },
                { "tcp://[fe80::1%" + loopback().getIndex() + "]:*", "tcp://[fe80::1%" + loopback().getName() + "]:5432" } }) {
            AccessPolicy p = AccessPolicy.of(List.of("deny * * endpoint:" + ruleAndEndpoint[0],
                    "deny * * *:" + ruleAndEndpoint[0]));
            String name = org.multios.ipc.net.Endpoint.parse(ruleAndEndpoint[1]).toString();
            assertThat(name).isEqualTo(ruleAndEndpoint[1]);
            assertThat(p.rights(SENSOR, null, ObjectType.ENDPOINT, name, own)).as(ruleAndEndpoint[0])
                    .isEqualTo(Rights.NONE);
            assertThat(AccessPolicy.of(List.of("deny * * *:" + ruleAndEndpoint[0]))
                    .rights(SENSOR, null, ObjectType.ENDPOINT, name, own)).as("*:" + ruleAndEndpoint[0])
                    .isEqualTo(Rights.NONE);
        }
        assertThat(AccessPolicy.of(List.of("deny * * endpoint:tcp://DB.Example.com:*"))
                .rights(SENSOR, null, ObjectType.ENDPOINT, "tcp://other.example.com:5432", own)).isEqualTo(Rights.ALL);
    }

    /**
     * A socket named in the IPC root has two texts, its name and its file's path (in the root as
     * given, or through the real folders the root lies in): a rule written either way, or a glob
     * over the root's folders, covers both, a deny as an allow. Before, each rule matched only the
     * text it was written in.
     */
    @Test
    void aRuleOnASocketNamedInTheRootCoversItsNameAndItsPath(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path root = Files.createSymbolicLink(dir.resolve("link"), real).resolve("ipc");
        RootEndpoints endpoints = new RootEndpoints(root);
        String path = "unix:" + root + "/endpoint/admin";
        String realPath = "unix:" + real.toRealPath() + "/ipc/endpoint/admin";
        Permissions own = new Permissions("sensor", "sensors", 0600);
        for (String rule : List.of("unix:admin", path, realPath, "unix:" + root + "//endpoint/./admin",
                "unix:" + root + "/endpoint/*", "unix:" + real.toRealPath() + "/*", "unix:adm*")) {
            for (String type : List.of("endpoint:", "*:")) {
                AccessPolicy deny = AccessPolicy.of(List.of("deny * * " + type + rule), endpoints);
                AccessPolicy allow = AccessPolicy.of(List.of("allow * rw " + type + rule), endpoints);
                for (String endpoint : List.of("unix:admin", path, realPath)) {
                    assertThat(deny.rights(SENSOR, null, ObjectType.ENDPOINT, endpoint, own))
                            .as("deny %s%s on %s", type, rule, endpoint).isEqualTo(Rights.NONE);
                    assertThat(deny.denyingRule(SENSOR, null, ObjectType.ENDPOINT, endpoint, Rights.READ))
                            .as("deny %s%s on %s", type, rule, endpoint).isEqualTo("deny * * " + type + rule);
                    assertThat(allow.rights(SENSOR, null, ObjectType.ENDPOINT, endpoint, PRIVATE))
                            .as("allow %s%s on %s", type, rule, endpoint).isEqualTo(Rights.READ_WRITE);
                }
            }
        }
        AccessPolicy denyName = AccessPolicy.of(List.of("deny * * endpoint:unix:admin"), endpoints);
        for (String other : List.of("unix:" + root + "/endpoint/sub/admin", "unix:/run/admin", "unix:administrator",
                "tcp://127.0.0.1:7000")) {
            assertThat(denyName.rights(SENSOR, null, ObjectType.ENDPOINT, other, own)).as(other).isEqualTo(Rights.ALL);
        }
        assertThat(AccessPolicy.of(List.of("deny * * *:" + root + "/endpoint/admin"), endpoints)
                .rights(SENSOR, null, ObjectType.QUEUE, "admin", own)).as("a queue is no socket").isEqualTo(Rights.ALL);
    }

    @Test
    void badRulesAreRefusedNamingTheRule() {
        for (String bad : List.of("permit * r *:*", "allow someone r queue:x", "allow * q queue:x",
                "allow * r nothing:x", "allow * r queue", "allow * r", "allow bundle:;name=a r queue:x",
                "allow bundle:file:/x;version=1 r queue:x")) {
            assertThatThrownBy(() -> AccessPolicy.of(List.of(bad)))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                    .hasMessageContaining(bad);
        }
    }

    /** This machine's loopback interface: its name and index are the zones a link-local address may name. */
    private static NetworkInterface loopback() {
        try {
            return NetworkInterface.networkInterfaces().filter(i -> {
                try {
                    return i.isLoopback();
                } catch (SocketException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        } catch (SocketException e) {
            throw new AssertionError("the network interfaces cannot be read", e);
        }
    }
}
