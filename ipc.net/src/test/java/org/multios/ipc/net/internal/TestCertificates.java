package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Certificates made for one test with Debian's openssl: certificate authorities, and leaves
 * they sign (valid for a day, or expired) with subject alternative names, each as a PEM
 * certificate and an unencrypted PKCS#8 key, or a PKCS#12 file. Nothing is kept after the test.
 */
final class TestCertificates {
    /** A PKCS#12 file's password. */
    static final String PASSWORD = "changeit";
    private static final String LOCAL_NAMES = "DNS:localhost,IP:127.0.0.1";

    private final Path dir;

    /** A certificate and its key: PEM files, {@code chain} holds the certificate and its issuer. */
    record Issued(Path certificate, Path key, Path chain) {
    }

    TestCertificates(Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        this.dir = Files.createDirectories(dir);
    }

    /** A new certificate authority named {@code name}. */
    Issued authority(String name) throws Exception {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new Issued(cert, key, cert);
    }

    /** A leaf for {@code localhost} and 127.0.0.1 with the subject {@code /CN=cn/O=MultiOS Test}, valid today. */
    Issued leaf(Issued ca, String name, String cn) throws Exception {
        return leaf(ca, name, cn, LOCAL_NAMES, null);
    }

    /** A leaf that expired on 2 January 2020. */
    Issued expiredLeaf(Issued ca, String name) throws Exception {
        return leaf(ca, name, "localhost", LOCAL_NAMES, new String[] {"-startdate", "20200101000000Z", "-enddate",
                "20200102000000Z"});
    }

    /** A leaf valid today for the given subject alternative names only ({@code DNS:host}, {@code IP:address}). */
    Issued leafFor(Issued ca, String name, String names) throws Exception {
        return leaf(ca, name, name, names, null);
    }

    private Issued leaf(Issued ca, String name, String cn, String names, String[] dates) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn + "/O=MultiOS Test",
                "-addext", "subjectAltName=" + names);
        Path db = Files.createDirectories(dir.resolve(name + "-ca"));
        Files.writeString(db.resolve("index.txt"), "");
        // openssl reads the serial as hex bytes: an even number of digits
        Files.writeString(db.resolve("serial"), String.format("%016x%n", System.nanoTime() | 0x1000));
        Path config = db.resolve("ca.cnf");
        Files.writeString(config, String.join("\n", "[ ca ]", "default_ca = test", "[ test ]",
                "database = " + db.resolve("index.txt"), "new_certs_dir = " + db, "serial = " + db.resolve("serial"),
                "default_md = sha256", "default_days = 1", "policy = any", "copy_extensions = copy",
                "unique_subject = no", "[ any ]", "commonName = supplied", "organizationName = optional", ""));
        List<String> args = new ArrayList<>(List.of("ca", "-batch", "-notext", "-config", config.toString(), "-cert",
                ca.certificate().toString(), "-keyfile", ca.key().toString(), "-in", csr.toString(), "-out",
                cert.toString()));
        if (dates != null) {
            args.addAll(List.of(dates));
        }
        openssl(args.toArray(String[]::new));
        Path chain = dir.resolve(name + "-chain.pem");
        Files.writeString(chain, Files.readString(cert) + Files.readString(ca.certificate()));
        return new Issued(cert, key, chain);
    }

    /** The certificate (with its issuer) and key as a PKCS#12 file protected by {@link #PASSWORD}. */
    Path pkcs12(Issued leaf, String name) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        openssl("pkcs12", "-export", "-in", leaf.chain().toString(), "-inkey", leaf.key().toString(), "-out",
                p12.toString(), "-passout", "pass:" + PASSWORD);
        return p12;
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl %s ended", args[0]).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    }
}
