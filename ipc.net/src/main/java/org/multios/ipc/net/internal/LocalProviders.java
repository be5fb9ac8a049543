package org.multios.ipc.net.internal;

import java.util.Optional;

import org.multios.ipc.spi.MechanismProvider;

/**
 * The local mechanisms bridges export objects of: in OSGi the queue and channel providers of
 * the framework, in plain Java those the bootstrap finds on the class path.
 */
public interface LocalProviders {
    /** The provider of the given API type, if one is there now. */
    <S> Optional<MechanismProvider<S>> provider(Class<S> apiType);
}
