package org.multios.ipc.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Console's password, so that no gateway ever answers to the Web Console's built-in
 * admin/admin. Where the operator set none (the framework or system property
 * {@value #PROPERTY}, or the Web Console's own configuration file {@value #CONSOLE_CONFIG}.cfg
 * in the configuration folder), the first start generates a random one and writes it to
 * {@value #FILE} in the configuration folder, mode 0600 (only the gateway's OS user reads it),
 * and later starts read it from there; the log says where it is: at WARN when it generated it
 * (the gateway prints warnings only, and the operator must find it to log in), at INFO on later
 * starts. The Web Console receives the
 * SHA-256 digest as the default of {@value #PROPERTY} before it starts (this bundle starts
 * first), so there is no moment when the built-in password works.
 */
final class WebConsolePassword {
    /** The Web Console's framework property for its password (plain or {@code {sha-256}base64}). */
    static final String PROPERTY = "felix.webconsole.password";
    /** The Web Console's configuration PID; a file of it in the configuration folder sets the password. */
    static final String CONSOLE_CONFIG = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** The file in the configuration folder holding the generated password. */
    static final String FILE = "webconsole.password";

    private static final Logger LOG = LoggerFactory.getLogger(WebConsolePassword.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int RANDOM_BYTES = 18;

    private WebConsolePassword() {
    }

    /** Gives the Web Console its password, generating and storing one in the folder where none is configured. */
    static void install(BundleContext context, Path confFolder) {
        if (context.getProperty(PROPERTY) != null) {
            LOG.info("Web Console login: user admin, password from the property {}", PROPERTY);
            return;
        }
        String unless = "";
        for (String ext : new String[] {".cfg", ".config"}) {
            if (Files.exists(confFolder.resolve(CONSOLE_CONFIG + ext))) {
                unless = " unless " + confFolder.resolve(CONSOLE_CONFIG + ext) + " sets one (key password)";
            }
        }
        Path file = confFolder.resolve(FILE);
        String password;
        try {
            Stored stored = readOrCreate(file);
            password = stored.password();
            String line = "Web Console login: user admin, password in {} (readable by this OS user only){}; set your own "
                    + "in {}.cfg (key password) in the same folder";
            if (stored.generated()) {
                LOG.warn(line, file, unless, CONSOLE_CONFIG);
            } else {
                LOG.info(line, file, unless, CONSOLE_CONFIG);
            }
        } catch (IOException | RuntimeException e) {
            password = random();
            LOG.error("Web Console: cannot keep a password in {} ({}); this run uses a random password nobody knows: "
                    + "set one in {}.cfg or with -D{}", file, e.toString(), CONSOLE_CONFIG, PROPERTY);
        }
        System.setProperty(PROPERTY, digest(password));
    }

    /** A password and whether it was generated now (else read from its file). */
    record Stored(String password, boolean generated) {
    }

    /**
     * The password in the file, if it is a regular file (not a link) of this OS user that only
     * it may read; else a new random one, written to a new file of mode 0600.
     */
    static Stored readOrCreate(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            boolean ours = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && mode.equals(OWNER_ONLY)
                    && owner.equals(System.getProperty("user.name"));
            String stored = ours ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            if (!stored.isEmpty()) {
                return new Stored(stored, false);
            }
            LOG.warn("Web Console: {} (owner {}, mode {}) is not a file only this OS user reads, or is empty: replaced "
                    + "by a new password", file, owner, PosixFilePermissions.toString(mode));
            Files.delete(file);
        }
        String password = random();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while it was being made (a link or another process)", e);
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        return new Stored(password, true);
    }

    private static String random() {
        byte[] bytes = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The password as the Web Console stores it: {@code {sha-256}} and the Base64 of its SHA-256 digest. */
    static String digest(String password) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{sha-256}" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
