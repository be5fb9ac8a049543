package org.multios.ipc.channels.queue;

import org.multios.ipc.IpcContext;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.queue.MessageQueueService;

/** Common ground of the queue tests: {@link IpcRootSupport} and the queue service. */
abstract class QueueTestSupport extends IpcRootSupport {
    MessageQueueService queues(IpcContext c) {
        return c.service(MessageQueueService.class);
    }

    MessageQueueService queues() {
        return queues(context());
    }
}
