package org.multios.ipc.security.internal;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.osgi.framework.Bundle;

/**
 * What identifies a calling bundle to the policy: its location, which whoever installed it
 * chose and which no other installed bundle can hold; the subjects of its trusted signers,
 * where the framework verifies signatures (none otherwise); and its symbolic name, which the
 * bundle chooses for itself and is therefore only ever an extra condition. Immutable.
 *
 * @param location     the bundle's location
 * @param symbolicName its symbolic name ({@code ""} if it has none)
 * @param signers      the subject DNs of its trusted signers, RFC 2253
 */
record BundleFacts(String location, String symbolicName, List<String> signers) {
    BundleFacts {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(symbolicName, "symbolicName");
        signers = List.copyOf(signers);
    }

    /** The facts of a bundle, read once when it becomes an IPC process. */
    static BundleFacts of(Bundle bundle) {
        String bsn = bundle.getSymbolicName();
        List<String> signers = bundle.getSignerCertificates(Bundle.SIGNERS_TRUSTED).keySet().stream()
                .map(X509Certificate::getSubjectX500Principal).map(p -> p.getName()).toList();
        return new BundleFacts(bundle.getLocation(), bsn == null ? "" : bsn, signers);
    }
}
