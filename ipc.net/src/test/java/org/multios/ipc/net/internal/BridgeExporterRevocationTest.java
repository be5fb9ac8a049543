package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #16 item 5: the operator's revoke of a bridge's exporter on the bridge's endpoint cuts
 * the peers served through it: each connection is refused with PERMISSION_DENIED (the peer's
 * calls fail naming the refusal and why), and nothing more reaches the exported object for them.
 */
class BridgeExporterRevocationTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false).withSocketMode(0666);

    @Test
    @Timeout(60)
    void revokingTheExporterOnTheBridgeCutsItsPeers() {
        IpcEnvironment environment = new IpcEnvironment(root, IpcLimits.defaults());
        NetMechanismFactory factory = new NetMechanismFactory(NetSettings.DEFAULTS);
        NetMechanism mechanism = (NetMechanism) factory.create(environment);
        QueueMechanism queues = QueueMechanism.start(environment);
        MechanismProvider<MessageQueueService> queueProvider = queues.provider();
        EndpointGrants exporter = new EndpointGrants(RecordingCaller.osUser(1));
        try (MessageQueue local = queueProvider.bind(RecordingCaller.osUser(3)).create("orders",
                QueueOptions.of(64, 16).withMode(0666));
                Bridge bridge = mechanism.bind(exporter).exportQueue("orders", Endpoint.unix("exported"), OPEN);
                MessageQueue remote = mechanism.bind(RecordingCaller.osUser(2)).openRemoteQueue(Endpoint.unix("exported"),
                        "orders", ConnectOptions.DEFAULTS)) {
            remote.send(new byte[] {1}, 0, 1, 0);
            assertThat(local.attributes().currentMessages()).isEqualTo(1);

            exporter.revokeEndpointGrants();

            // the peer's connection ended, saying that the bridge refused it and why: CLOSED, or
            // OUTCOME_UNKNOWN if the request left before the peer read the refusal
            assertThatThrownBy(() -> remote.send(new byte[] {2}, 0, 1, 0))
                    .hasMessageContaining("PERMISSION_DENIED: the exporter's rights on bridge")
                    .hasMessageContaining("were revoked")
                    .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isIn(IpcError.CLOSED, IpcError.OUTCOME_UNKNOWN));
            assertThat(local.attributes().currentMessages()).isEqualTo(1);
            assertThat(bridge.isClosed()).isTrue();
        } finally {
            mechanism.close();
            queues.close();
        }
    }

    /**
     * A caller that records its grants on endpoints, so that a test revokes those alone: what an
     * operator's revoke of the process on the bridge's endpoint does (its handle on the exported
     * queue stays).
     */
    private static final class EndpointGrants implements CallerContext {
        private final CallerContext delegate;
        private final List<Grant> endpointGrants = new CopyOnWriteArrayList<>();

        EndpointGrants(CallerContext delegate) {
            this.delegate = delegate;
        }

        void revokeEndpointGrants() {
            endpointGrants.forEach(Grant::revoke);
        }

        private Grant recorded(ObjectType type, Grant grant) {
            if (type == ObjectType.ENDPOINT) {
                endpointGrants.add(grant);
            }
            return grant;
        }

        @Override
        public IpcProcess process() {
            return delegate.process();
        }

        @Override
        public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
            return recorded(type, delegate.authorize(type, name, permissions, requested));
        }

        @Override
        public Grant register(ObjectType type, String name, Grant grant) {
            return recorded(type, delegate.register(type, name, grant));
        }

        @Override
        public void reserve(Quota quota, long amount) {
            delegate.reserve(quota, amount);
        }

        @Override
        public void release(Quota quota, long amount) {
            delegate.release(quota, amount);
        }

        @Override
        public void denied(ObjectType type, String name, String operation) {
            delegate.denied(type, name, operation);
        }
    }
}
