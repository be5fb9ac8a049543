package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.RecordingCaller;

/**
 * A socket named in the IPC root ({@code unix:admin}) and the absolute path of its file
 * ({@code unix:<root>/endpoint/admin}) are one endpoint with one text, its name: the grant is
 * decided on it and the handles show it, however the caller wrote the endpoint. Before, the path
 * was decided as another endpoint, and a rule on the name did not cover it.
 */
class RootNamedEndpointTest extends NetTestSupport {
    private NetMechanism mechanism;

    @BeforeEach
    void startMechanism() {
        mechanism = (NetMechanism) new NetMechanismFactory(NetSettings.DEFAULTS)
                .create(new IpcEnvironment(root, IpcLimits.defaults()));
    }

    @AfterEach
    void closeMechanism() {
        mechanism.close();
    }

    /** A caller whose policy denies the endpoints of the given texts and records what it was asked. */
    private static final class DenyingCaller implements CallerContext {
        final RecordingCaller delegate = RecordingCaller.osUser(1);
        final List<String> denied;
        final List<String> decided = new CopyOnWriteArrayList<>();

        DenyingCaller(String... denied) {
            this.denied = List.of(denied);
        }

        @Override
        public IpcProcess process() {
            return delegate.process();
        }

        @Override
        public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
            decided.add(name);
            if (denied.contains(name)) {
                throw IpcException.permissionDenied("use", type.label() + " '" + name + "'", process().toString());
            }
            return delegate.authorize(type, name, permissions, requested);
        }

        @Override
        public Grant register(ObjectType type, String name, Grant grant) {
            return delegate.register(type, name, grant);
        }

        @Override
        public void reserve(Quota quota, long amount) {
        }

        @Override
        public void release(Quota quota, long amount) {
        }

        @Override
        public void denied(ObjectType type, String name, String operation) {
        }
    }

    private Endpoint pathOf(String name) {
        return Endpoint.unix(root.toAbsolutePath() + "/endpoint/" + name);
    }

    @Test
    @Timeout(60)
    void aPolicyThatDeniesTheNameRefusesTheSocketByItsPathToo() {
        DenyingCaller caller = new DenyingCaller("unix:admin");
        try (Listener admin = mechanism.bind(RecordingCaller.osUser(2)).listen(Endpoint.unix("admin"))) {
            assertIpcError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(caller).connect(pathOf("admin")));
            assertIpcError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(caller).connect(
                    Endpoint.parse("unix://" + root.toAbsolutePath() + "//endpoint/./admin")));
        }
        assertIpcError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(caller).listen(pathOf("admin")));
        assertThat(caller.decided).containsOnly("unix:admin");
        assertThat(Files.exists(root.resolve("endpoint").resolve("admin"))).as("nothing was bound").isFalse();
    }

    @Test
    @Timeout(60)
    void aSocketBoundByItsPathIsDecidedAndShownByItsNameAndReachedEitherWay() throws Exception {
        DenyingCaller caller = new DenyingCaller();
        try (Listener listener = mechanism.bind(caller).listen(pathOf("service"));
                Connection byName = mechanism.bind(caller).connect(Endpoint.unix("service"));
                Connection byPath = mechanism.bind(caller).connect(pathOf("service"))) {
            assertThat(listener.endpoint()).isEqualTo(Endpoint.unix("service"));
            assertThat(byPath.remoteEndpoint()).isEqualTo(Endpoint.unix("service"));
            for (int i = 0; i < 2; i++) {
                try (Connection accepted = listener.accept(Duration.ofSeconds(10))) {
                    assertThat(accepted).isNotNull();
                }
            }
            assertThat(caller.decided).containsOnly("unix:service");
            assertThat(mechanism.objects()).extracting(ObjectInfo::name).map(n -> n.orElse(""))
                    .contains("unix:service").noneMatch(n -> n.contains("/endpoint/"));
        }
    }

    @Test
    @Timeout(60)
    void aPathBelowTheEndpointDirectoryOrWithAFileNameThatIsNoIpcNameStaysAPath() throws Exception {
        Files.createDirectories(root.resolve("endpoint").resolve("sub"));
        Endpoint nested = Endpoint.unix(root.toAbsolutePath() + "/endpoint/sub/admin");
        Endpoint notAName = Endpoint.unix(root.toAbsolutePath() + "/endpoint/.admin");
        DenyingCaller caller = new DenyingCaller();
        try (Listener a = mechanism.bind(caller).listen(nested); Listener b = mechanism.bind(caller).listen(notAName)) {
            assertThat(a.endpoint()).isEqualTo(nested);
            assertThat(b.endpoint()).isEqualTo(notAName);
            assertThat(caller.decided).containsExactly(nested.toString(), notAName.toString());
        }
    }
}
