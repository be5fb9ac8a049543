package org.multios.ipc.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import org.multios.ipc.IpcException;

/**
 * A secret a client presents when it connects over TCP; the security policy maps it to the
 * user (and groups) the remote peer acts as. Immutable. Its {@link #toString()} never shows
 * the secret, and {@link #equals} compares in constant time.
 */
public final class AuthToken {
    /** The longest token, in bytes. */
    public static final int MAX_BYTES = 1024;

    private final byte[] secret;

    private AuthToken(byte[] secret) {
        if (secret.length == 0) {
            throw IpcException.invalidArgument("authentication token is empty");
        }
        if (secret.length > MAX_BYTES) {
            throw IpcException.invalidArgument("authentication token is " + secret.length + " bytes long; the limit is "
                    + MAX_BYTES);
        }
        this.secret = secret;
    }

    /**
     * A token of the given bytes (copied).
     *
     * @throws IpcException INVALID_ARGUMENT if empty or longer than {@value #MAX_BYTES} bytes
     */
    public static AuthToken of(byte[] secret) {
        if (secret == null) {
            throw IpcException.invalidArgument("authentication token is missing");
        }
        return new AuthToken(secret.clone());
    }

    /**
     * A token of the UTF-8 bytes of the given text.
     *
     * @throws IpcException INVALID_ARGUMENT if empty or longer than {@value #MAX_BYTES} bytes
     */
    public static AuthToken of(String secret) {
        if (secret == null) {
            throw IpcException.invalidArgument("authentication token is missing");
        }
        return new AuthToken(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the secret's bytes. */
    public byte[] bytes() {
        return secret.clone();
    }

    /** The secret's length in bytes. */
    public int length() {
        return secret.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthToken t && MessageDigest.isEqual(secret, t.secret);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(secret);
    }

    /** {@code AuthToken[n bytes]}: the secret itself is never shown. */
    @Override
    public String toString() {
        return "AuthToken[" + secret.length + " bytes]";
    }
}
