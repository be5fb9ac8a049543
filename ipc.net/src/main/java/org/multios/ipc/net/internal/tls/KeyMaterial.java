package org.multios.ipc.net.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.multios.ipc.IpcException;

/**
 * Certificates and keys read from files: a PKCS#12 file (name ending {@code .p12} or
 * {@code .pfx}), or PEM (certificates as {@code CERTIFICATE} blocks, the key as an unencrypted
 * PKCS#8 {@code PRIVATE KEY} block, RSA, EC or EdDSA). Every failure is an INVALID_ARGUMENT
 * naming the file.
 */
public final class KeyMaterial {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private KeyMaterial() {
    }

    /**
     * The key managers of a server's (or client's) own certificate.
     *
     * @param certificate a PEM certificate chain (leaf first) or a PKCS#12 file
     * @param key         the PEM private key (null for PKCS#12)
     * @param password    the PKCS#12 password (empty for none)
     */
    public static KeyManager[] keyManagers(Path certificate, Path key, char[] password) {
        try {
            KeyStore store;
            if (isPkcs12(certificate)) {
                store = pkcs12(certificate, password);
            } else {
                if (key == null) {
                    throw IpcException.invalidArgument("TLS certificate " + certificate
                            + " is PEM: its private key file must be named too");
                }
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("self", privateKey(key), password,
                        certificates(certificate).toArray(Certificate[]::new));
            }
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, password);
            return f.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw IpcException.invalidArgument("TLS certificate " + certificate + ": " + e.getMessage());
        }
    }

    /**
     * The trust managers of the certificates in {@code file}: trust anchors (CAs, or a pinned
     * self-signed certificate) as PEM, or a PKCS#12 trust store.
     */
    public static TrustManager[] trustManagers(Path file, char[] password) {
        try {
            KeyStore store;
            if (isPkcs12(file)) {
                store = pkcs12(file, password);
            } else {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (Certificate c : certificates(file)) {
                    store.setCertificateEntry("trusted-" + i++, c);
                }
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw IpcException.invalidArgument("TLS trust " + file + ": " + e.getMessage());
        }
    }

    private static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static KeyStore pkcs12(Path file, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static List<Certificate> certificates(Path file) throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (read.isEmpty()) {
            throw IpcException.invalidArgument("TLS certificate file " + file + " holds no certificate");
        }
        return new ArrayList<>(read);
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM_KEY.matcher(pem);
        if (!m.find()) {
            throw IpcException.invalidArgument("TLS key " + file + " holds no PEM private key");
        }
        if (!m.group(1).isEmpty()) {
            throw IpcException.invalidArgument("TLS key " + file + " is a " + m.group(1)
                    + "PRIVATE KEY; give an unencrypted PKCS#8 key (BEGIN PRIVATE KEY), e.g. from "
                    + "'openssl pkcs8 -topk8 -nocrypt'");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(2)));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw IpcException.invalidArgument("TLS key " + file + ": not an RSA, EC or EdDSA key this JDK reads");
    }
}
