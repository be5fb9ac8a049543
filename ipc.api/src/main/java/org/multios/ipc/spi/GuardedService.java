package org.multios.ipc.spi;


/**
 * Service properties of the API services ipc.security publishes for each mechanism provider.
 * A service carrying {@value #GUARDED} is never guarded again.
 */
public final class GuardedService {
    /** Set to {@code true} on every guarded API service. */
    public static final String GUARDED = "ipc.guarded";
    /**
     * The mechanism's name ({@link IpcMechanism#value()}). Guarded services do not carry
     * {@value IpcMechanism#KEY}, which marks the hidden providers.
     */
    public static final String MECHANISM = "ipc.guarded.mechanism";
    /**
     * A capability namespace guards once declared. Declaring it grants nothing: which bundles see
     * providers is the operator's list, {@link TrustedBundles}.
     *
     * @deprecated since 2.1: trust comes from {@link TrustedBundles#PROPERTY} alone
     */
    @Deprecated
    public static final String GUARD_NAMESPACE = "org.multios.ipc.guard";
    /** The service id of the provider a guarded service stands for. */
    public static final String PROVIDER_ID = "ipc.provider.id";

    private GuardedService() {
    }
}
