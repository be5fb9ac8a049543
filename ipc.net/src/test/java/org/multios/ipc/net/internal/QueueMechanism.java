package org.multios.ipc.net.internal;

import java.util.ServiceLoader;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** The queue mechanism of the class path, started on a test's root; {@link #close} stops it. */
record QueueMechanism(MechanismFactory factory, MechanismProvider<MessageQueueService> provider) {
    @SuppressWarnings("unchecked")
    static QueueMechanism start(IpcEnvironment environment) {
        for (MechanismFactory f : ServiceLoader.load(MechanismFactory.class, QueueMechanism.class.getClassLoader())) {
            if (f instanceof NetMechanismFactory) {
                continue;
            }
            MechanismProvider<?> p = f.create(environment);
            if (p.apiType() == MessageQueueService.class) {
                return new QueueMechanism(f, (MechanismProvider<MessageQueueService>) p);
            }
            f.close(p);
        }
        throw new AssertionError("no queue mechanism on the test class path");
    }

    void close() {
        factory.close(provider);
    }
}
