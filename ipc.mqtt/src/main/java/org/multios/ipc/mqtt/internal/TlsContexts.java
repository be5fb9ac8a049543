package org.multios.ipc.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/** The TLS socket factory of a bridge: the broker's signers from a PEM file, the client certificate from PKCS#12. */
final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * @throws IpcException IO_ERROR naming the file that cannot be read; INVALID_ARGUMENT if its
     *         content is not certificates or a key store with that password
     */
    static SSLSocketFactory socketFactory(BridgeSettings s) {
        try {
            TrustManagerFactory tmf = null;
            if (s.trustCertificates().isPresent()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(s.trustCertificates().get())) {
                    trust.setCertificateEntry("broker-signer-" + i++, c);
                }
                if (i == 0) {
                    throw IpcException.invalidArgument("trust.certificates " + s.trustCertificates().get()
                            + " holds no certificate");
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (s.keyStore().isPresent()) {
                char[] password = s.keyStorePassword().toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(s.keyStore().get())) {
                    keys.load(in, password);
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new IpcException(IpcError.IO_ERROR, "bridge " + s.clientId() + ": cannot read its TLS files: " + e, e);
        } catch (GeneralSecurityException e) {
            throw IpcException.invalidArgument("bridge " + s.clientId() + ": TLS files not usable: " + e);
        }
    }

    private static Iterable<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }
}
