package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * How OS users are looked up: the system's name service (files, LDAP, sssd, ...), which may take
 * seconds, so never on the reactor thread ({@link ListenerUsers} asks it when settings are made).
 * Tests answer through a lookup of their own.
 */
public interface UserLookup {
    /** The system's: the JDK's user lookup. */
    UserLookup SYSTEM = new UserLookup() {
        @Override
        public UserPrincipal self() throws IOException {
            return Files.getOwner(Path.of("/proc/self"));
        }

        @Override
        public UserPrincipal user(String nameOrUid) throws IOException {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(nameOrUid);
        }
    };

    /** This process's user (the owner of {@code /proc/self}: the effective uid). */
    UserPrincipal self() throws IOException;

    /**
     * The user of a name, or of a number that names no user taken as a uid (as the JDK's lookup
     * does); its principal equals every other principal of that uid.
     *
     * @throws IOException if the name names no user, or the name service fails
     */
    UserPrincipal user(String nameOrUid) throws IOException;
}
