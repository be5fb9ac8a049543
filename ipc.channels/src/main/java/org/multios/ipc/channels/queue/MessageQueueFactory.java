package org.multios.ipc.channels.queue;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** Makes the message queue mechanism for the plain-Java bootstrap ({@code Ipc.open}). */
public final class MessageQueueFactory implements MechanismFactory {
    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        return new MessageQueueMechanism(environment);
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        ((MessageQueueMechanism) provider).close();
    }
}
