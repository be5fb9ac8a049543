package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;

/**
 * Debian's OpenSSH client ({@code ssh}, {@code ssh-keygen}) against a gateway's SSH console:
 * keys made here, an authorized_keys file and the console's configuration in the gateway's
 * {@code conf/}, and one {@code ssh} process per login.
 */
final class SshClient {
    static final Path SSH = Path.of("/usr/bin/ssh");
    static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

    /** What one ssh run gave: its exit code and its output (standard output and error). */
    record Result(int exit, String output) {
    }

    final Path dir;
    final int port;

    private SshClient(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Skips the test where the OpenSSH client is missing (.ci/run installs it). */
    static void assumeInstalled() {
        Assume.assumeTrue("needs the OpenSSH client (apt-get install openssh-client)",
                Files.isExecutable(SSH) && Files.isExecutable(SSH_KEYGEN));
    }

    /**
     * Writes the gateway's SSH configuration into {@code gatewayDir/conf}: enabled on a free
     * loopback port, with the given further typed settings.
     */
    static SshClient configure(Path gatewayDir, String... settings) throws Exception {
        int port = GatewayProcess.freePort();
        List<String> lines = new ArrayList<>(List.of("enabled=B\"true\"", "port=I\"" + port + "\""));
        lines.addAll(List.of(settings));
        Files.write(gatewayDir.resolve("conf/org.multios.ipc.ssh.cfg"), lines);
        Files.createDirectories(gatewayDir.resolve("conf/ssh"));
        return new SshClient(Files.createDirectories(gatewayDir.resolve("client")), port);
    }

    /** Makes a key pair named {@code name} (ECDSA, no passphrase); returns the private key's file. */
    Path newKey(String name) throws Exception {
        return newKey(name, "ecdsa");
    }

    /** Makes a key pair named {@code name} of a type ({@code ssh-keygen -t}); returns the private key's file. */
    Path newKey(String name, String type) throws Exception {
        Path key = dir.resolve(name);
        Result r = run(List.of(SSH_KEYGEN.toString(), "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString()), "");
        assertTrue(r.output(), r.exit() == 0);
        return key;
    }

    /** The authorized_keys line for a key: its account, role options and public key. */
    String authorized(Path key, String options) throws IOException {
        return options + " " + Files.readString(Path.of(key + ".pub")).strip();
    }

    /** Runs {@code ssh} as the user with the key, given options and then the remote command words. */
    Result ssh(Path key, String user, String input, List<String> options, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(SSH.toString(), "-p", Integer.toString(port),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=30",
                "-F", "/dev/null", "-i", key.toString()));
        args.addAll(options);
        args.add(user + "@127.0.0.1");
        args.addAll(List.of(command));
        return run(args, input);
    }

    /** Runs {@code ssh} with the key and a remote command, no input. */
    Result ssh(Path key, String user, String... command) throws Exception {
        return ssh(key, user, "", List.of(), command);
    }

    /** Starts {@code ssh -tt} (a pseudo-terminal) that holds its session until its input ends. */
    Process holdSession(Path key, String user) throws IOException {
        return holdSession(key, user, ProcessBuilder.Redirect.DISCARD);
    }

    /** {@link #holdSession(Path, String)} with the session's output where the redirect says. */
    Process holdSession(Path key, String user, ProcessBuilder.Redirect output) throws IOException {
        return new ProcessBuilder(SSH.toString(), "-tt", "-p", Integer.toString(port),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-F", "/dev/null", "-i", key.toString(),
                user + "@127.0.0.1").redirectErrorStream(true).redirectOutput(output).start();
    }

    private static Result run(List<String> command, String input) throws Exception {
        Path out = Files.createTempFile("ssh", ".out", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.delete(out);
        }
    }
}
