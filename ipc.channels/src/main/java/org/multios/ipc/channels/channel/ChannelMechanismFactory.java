package org.multios.ipc.channels.channel;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

/** Makes the channel mechanism for the plain-Java bootstrap ({@code Ipc.open}). */
public final class ChannelMechanismFactory implements MechanismFactory {
    @Override
    public MechanismProvider<?> create(IpcEnvironment environment) {
        return new ChannelMechanism(environment);
    }

    @Override
    public void close(MechanismProvider<?> provider) {
        ((ChannelMechanism) provider).close();
    }
}
