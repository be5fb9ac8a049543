package org.multios.ipc.net.internal.bridge;

import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.spi.CallerContext;

/**
 * One peer's link to a bridge: the bridge, the peer's connection to it, and the caller context
 * its handshake established, as which the peer's requests run.
 */
record PeerLink(BridgeServer bridge, StreamConnection connection, CallerContext peer) {
}
