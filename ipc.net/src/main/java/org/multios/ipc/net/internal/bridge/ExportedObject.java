package org.multios.ipc.net.internal.bridge;

import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.LocalProviders;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;

/**
 * The queue or channel a bridge exports, as its exporter holds it: the exporter's handle,
 * opened with the widest rights it can get (the most a peer gets), which puts back the
 * messages peers took and never got (a channel's side B is opened for that the first time it
 * is needed); and the local mechanism through which peers open it as themselves and are
 * released.
 */
final class ExportedObject {
    private final ObjectType type;
    private final String name;
    private final LocalProviders providers;
    private final CallerContext exporter;
    private final IpcObject handle;
    private ChannelEnd sideB;

    private ExportedObject(ObjectType type, String name, LocalProviders providers, CallerContext exporter,
            IpcObject handle) {
        this.type = type;
        this.name = name;
        this.providers = providers;
        this.exporter = exporter;
        this.handle = handle;
    }

    /**
     * Opens the object as the exporter, read-write if it may, else write-only, else read-only.
     *
     * @throws IpcException UNAVAILABLE if the object's mechanism is not running; as the
     *         mechanism's open (NOT_FOUND, PERMISSION_DENIED)
     */
    static ExportedObject open(ObjectType type, String name, LocalProviders providers, CallerContext exporter) {
        IpcException denied = null;
        for (int rights : new int[] {Rights.READ_WRITE, Rights.WRITE, Rights.READ}) {
            try {
                IpcObject handle = type == ObjectType.QUEUE
                        ? provider(providers, MessageQueueService.class).bind(exporter).open(name, rights, Set.of())
                        : provider(providers, ChannelService.class).bind(exporter).open(name, ChannelSide.A, rights);
                return new ExportedObject(type, name, providers, exporter, handle);
            } catch (IpcException e) {
                if (e.error() != IpcError.PERMISSION_DENIED) {
                    throw e;
                }
                denied = denied == null ? e : denied;
            }
        }
        throw denied;
    }

    private static <S> MechanismProvider<S> provider(LocalProviders providers, Class<S> api) {
        Optional<MechanismProvider<S>> p = providers.provider(api);
        return p.orElseThrow(() -> new IpcException(IpcError.UNAVAILABLE, "no mechanism provides " + api.getSimpleName()
                + " now; cannot bridge it"));
    }

    /** The local mechanism of the given API type; UNAVAILABLE if it went. */
    <S> MechanismProvider<S> provider(Class<S> api) {
        return provider(providers, api);
    }

    /** The rights of the exporter's handle: the most a peer can get. */
    int rights() {
        return handle.rights();
    }

    /** Closes every handle {@code peer} opened through the local mechanism. */
    void release(CallerContext peer) {
        if (type == ObjectType.QUEUE) {
            providers.provider(MessageQueueService.class).ifPresent(p -> p.release(peer));
        } else {
            providers.provider(ChannelService.class).ifPresent(p -> p.release(peer));
        }
    }

    /**
     * Puts a message back through the exporter's handle, at its priority, never waiting.
     *
     * @param receivedAt the channel side the message was received at (null for a queue)
     * @return null if it went back, else why not
     */
    String putBack(ChannelSide receivedAt, byte[] b, int off, int len, int priority) {
        try {
            MessagePort port = receivedAt == ChannelSide.A ? sideB() : (MessagePort) handle;
            if ((port.rights() & Rights.WRITE) == 0) {
                return "the exporter's handle cannot write";
            }
            return port.trySend(b, off, len, priority) ? null : "it has no room";
        } catch (IpcException e) {
            return e.getMessage();
        }
    }

    /** The exporter's handle on side B of the exported channel, opened the first time it is needed. */
    private synchronized ChannelEnd sideB() {
        if (sideB == null) {
            sideB = provider(ChannelService.class).bind(exporter).open(name, ChannelSide.B, Rights.WRITE);
        }
        return sideB;
    }

    /** Closes the exporter's handles. */
    void close() {
        handle.close();
        ChannelEnd b;
        synchronized (this) {
            b = sideB;
        }
        if (b != null) {
            b.close();
        }
    }
}
