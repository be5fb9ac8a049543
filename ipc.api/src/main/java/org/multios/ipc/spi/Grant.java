package org.multios.ipc.spi;

import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The rights a handle was granted when it was opened or created. Every operation on the handle
 * tests a bit of it (one volatile read), so revocation takes effect at the next operation: a
 * revoked grant allows nothing.
 */
@ProviderType
public final class Grant {
    private final int rights;
    private volatile boolean revoked;

    /** A grant of the given {@link Rights} bits. */
    public Grant(int rights) {
        this.rights = rights;
    }

    /** The rights granted, or {@link Rights#NONE} once revoked. */
    public int rights() {
        return revoked ? Rights.NONE : rights;
    }

    /** Whether every bit of {@code required} is granted and the grant is not revoked. */
    public boolean allows(int required) {
        return !revoked && (rights & required) == required;
    }

    /** Withdraws the grant: every later operation through it is refused. */
    public void revoke() {
        revoked = true;
    }

    /** Whether the grant was revoked. */
    public boolean isRevoked() {
        return revoked;
    }

    @Override
    public String toString() {
        return revoked ? "revoked" : Rights.toString(rights);
    }
}
