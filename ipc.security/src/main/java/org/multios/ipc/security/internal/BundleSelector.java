package org.multios.ipc.security.internal;

import java.util.regex.Pattern;

import org.multios.ipc.IpcException;

/**
 * Which bundles an identity or a {@code bundle:} rule speaks of, written
 * {@code <location glob>[;name=<symbolic name glob>][;signer=<subject DN glob>]}: the location
 * always (a bundle cannot choose it), the symbolic name and the trusted signer's subject only as
 * further conditions. A glob's {@code *} matches any run of characters. Examples:
 * {@code file:/opt/ipc/bundles/sensor.jar}, {@code file:/opt/ipc/plugins/*;name=com.example.*}.
 * Immutable.
 */
record BundleSelector(Pattern location, Pattern name, Pattern signer, String text) {
    private static final String NAME = "name=";
    private static final String SIGNER = "signer=";

    /**
     * Parses a selector.
     *
     * @throws IpcException INVALID_ARGUMENT saying what is wrong with it
     */
    static BundleSelector parse(String text) {
        String[] parts = text.strip().split(";", -1);
        String location = parts[0].strip();
        if (location.isEmpty()) {
            throw IpcException.invalidArgument("bundle '" + text + "' names no location (write the location glob "
                    + "first, for example file:/opt/ipc/bundles/*.jar;name=com.example.*)");
        }
        Pattern name = null;
        Pattern signer = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith(NAME) && name == null && p.length() > NAME.length()) {
                name = AccessRule.glob(p.substring(NAME.length()).strip());
            } else if (p.startsWith(SIGNER) && signer == null && p.length() > SIGNER.length()) {
                signer = AccessRule.glob(p.substring(SIGNER.length()).strip());
            } else {
                throw IpcException.invalidArgument("bundle '" + text + "': '" + p + "' is not name=GLOB or "
                        + "signer=GLOB (each at most once)");
            }
        }
        return new BundleSelector(AccessRule.glob(location), name, signer, text.strip());
    }

    /** Whether the bundle is one of those selected. */
    boolean matches(BundleFacts bundle) {
        return location.matcher(bundle.location()).matches()
                && (name == null || name.matcher(bundle.symbolicName()).matches())
                && (signer == null || bundle.signers().stream().anyMatch(s -> signer.matcher(s).matches()));
    }
}
