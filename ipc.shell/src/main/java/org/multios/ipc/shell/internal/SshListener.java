package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.multios.ipc.spi.OperatorAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH console's listening server (Apache MINA SSHD), made only when the console is enabled:
 * every SSHD type is named here and in the classes it uses ({@link SshLogins}, {@link SshShell}),
 * not in {@link SshConsole}, so that a gateway whose SSH console is off loads no SSHD class (SCR
 * reads the component class's members as it activates it).
 */
final class SshListener {
    /** The role a session logged in with, set by {@link SshLogins}. */
    static final AttributeKey<Role> ROLE = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("ipc.audit");

    private final SshServer server;

    /** Starts listening as the configuration says; {@code conf} is the gateway's conf folder. */
    SshListener(CommandProcessor processor, Supplier<OperatorAuthority> operators, Path conf, SshConsole.Config config)
            throws IOException, GeneralSecurityException {
        AuthorizedKeys keys = new AuthorizedKeys(conf.resolve(config.authorized_keys()));
        server = SshServer.setUpDefaultServer();
        server.setHost(config.address());
        server.setPort(config.port());
        server.setKeyPairProvider(HostKey.at(conf.resolve(config.host_key())));
        SshLogins.install(server, keys, config.sessions_max());
        server.setShellFactory(channel -> new SshShell(processor, operators, AUDIT, null));
        server.setCommandFactory((channel, line) -> new SshShell(processor, operators, AUDIT, line));
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofSeconds(config.idle_timeout()));
        server.start();
        LOG.info("SSH console listening on {}:{}, keys from {}", config.address(), server.getPort(), keys.file());
    }

    /** Stops listening and closes every session. */
    void stop() throws IOException {
        server.stop(true);
    }
}
