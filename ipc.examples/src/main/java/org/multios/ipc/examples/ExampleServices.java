package org.multios.ipc.examples;

import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.net.NetService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.sync.SyncService;

/**
 * The IPC services an example uses, found by their API type. Outside OSGi they come from an
 * {@link IpcContext} ({@link #of(IpcContext)}); inside, the console command hands over the
 * services the framework gives the examples bundle.
 */
@FunctionalInterface
public interface ExampleServices {
    /** The services of a plain-Java process, {@link IpcRuntime} included. */
    static ExampleServices of(IpcContext ipc) {
        return new ExampleServices() {
            @Override
            public <S> S service(Class<S> type) {
                return type == IpcRuntime.class ? type.cast(ipc.runtime()) : ipc.service(type);
            }
        };
    }

    /**
     * The service of the given API type.
     *
     * @throws org.multios.ipc.IpcException UNAVAILABLE if no mechanism provides it now
     */
    <S> S service(Class<S> type);

    /** Channels. */
    default ChannelService channels() {
        return service(ChannelService.class);
    }

    /** Priority message queues. */
    default MessageQueueService queues() {
        return service(MessageQueueService.class);
    }

    /** Shared memory segments. */
    default SharedMemoryService sharedMemory() {
        return service(SharedMemoryService.class);
    }

    /** Semaphores, mutexes and condition variables. */
    default SyncService sync() {
        return service(SyncService.class);
    }

    /** Events. */
    default EventService events() {
        return service(EventService.class);
    }

    /** Unnamed and named pipes. */
    default PipeService pipes() {
        return service(PipeService.class);
    }

    /** Signals. */
    default SignalService signals() {
        return service(SignalService.class);
    }

    /** TCP, UDP and Unix-socket endpoints and bridges. */
    default NetService net() {
        return service(NetService.class);
    }

    /** The runtime view: who this process is, objects, processes. */
    default IpcRuntime runtime() {
        return service(IpcRuntime.class);
    }
}
