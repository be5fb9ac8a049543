package org.multios.ipc.net.internal;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.spi.RecordingCaller;

/**
 * Issue #16 item 5: a connection accepted for a listener holds a grant registered under the
 * listener's endpoint, so the operator's revoke of the owner's handles on that endpoint reaches
 * the connections it accepted, not only the listener.
 */
class AcceptedConnectionRevocationTest extends NetTestSupport {
    @Test
    @Timeout(60)
    void revokingTheListenersOwnerReachesTheConnectionsItAccepted() {
        NetMechanism mechanism = new NetMechanism(new IpcEnvironment(root, IpcLimits.defaults()), NetSettings.DEFAULTS,
                new PosixPeers(),
                new LocalProviders() {
                    @Override
                    public <S> Optional<org.multios.ipc.spi.MechanismProvider<S>> provider(Class<S> apiType) {
                        return Optional.empty();
                    }
                });
        RecordingCaller owner = RecordingCaller.osUser(1);
        RecordingCaller client = RecordingCaller.osUser(2);
        try (Listener listener = mechanism.bind(owner).listen(Endpoint.unix("revoked"));
                Connection outgoing = mechanism.bind(client).connect(Endpoint.unix("revoked"));
                Connection accepted = listener.accept(Duration.ofSeconds(10))) {
            accepted.send(1, new byte[] {1}, 0, 1, 0);

            owner.revokeAll();

            assertIpcError(IpcError.PERMISSION_DENIED, () -> accepted.send(1, new byte[] {2}, 0, 1, 0));
        } finally {
            mechanism.close();
        }
    }
}
