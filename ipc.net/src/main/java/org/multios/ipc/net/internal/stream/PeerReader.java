package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * How the user and group of a Unix socket's peer are read: the kernel's record
 * ({@code SO_PEERCRED}) unless a test reads them. The JDK names the uid and gid it reads
 * ({@code getpwuid}, {@code getgrgid}), which asks the name service: a read may take as long as
 * LDAP or sssd does, so it runs off the reactor thread ({@link PeerCredentials}).
 */
public interface PeerReader {
    /** The kernel's record. */
    PeerReader SO_PEERCRED = channel -> channel.getOption(ExtendedSocketOptions.SO_PEERCRED);

    /** The user and group of {@code channel}'s peer. */
    UnixDomainPrincipal read(SocketChannel channel) throws IOException;
}
