package org.multios.ipc.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Service properties of the API services ipc.security publishes for each mechanism provider.
 * A service carrying {@value #GUARDED} is never guarded again.
 */
@ProviderType
public final class GuardedService {
    /** Set to {@code true} on every guarded API service. */
    public static final String GUARDED = "ipc.guarded";
    /**
     * The mechanism's name ({@link IpcMechanism#value()}). Guarded services do not carry
     * {@value IpcMechanism#KEY}, which marks the hidden providers.
     */
    public static final String MECHANISM = "ipc.guarded.mechanism";
    /**
     * The capability namespace a guard bundle declares (ipc.security does): only guards and the
     * system bundle see mechanism providers.
     */
    public static final String GUARD_NAMESPACE = "org.multios.ipc.guard";
    /** The service id of the provider a guarded service stands for. */
    public static final String PROVIDER_ID = "ipc.provider.id";

    private GuardedService() {
    }
}
