package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import org.apache.felix.service.command.CommandProcessor;
import org.multios.ipc.spi.OperatorAuthority;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Gogo console over SSH (Apache MINA SSHD): public-key login only, against the
 * operator's authorized_keys file, each session a Gogo session of its own; idle sessions are
 * closed, sessions beyond the limit refused, and every login, refusal and command on the
 * {@code ipc.audit} logger. Off unless configured (configuration PID {@code org.multios.ipc.ssh});
 * the server itself is {@link SshListener}'s, so that an SSH console that is off loads no SSHD class.
 */
@Component(immediate = true, configurationPid = SshConsole.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SshConsole.Config.class)
public final class SshConsole {
    static final String PID = "org.multios.ipc.ssh";
    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);

    /** The SSH console's configuration. */
    @ObjectClassDefinition(name = "MultiOS IPC SSH console",
            description = "The Gogo console over SSH: public-key login only, loopback by default.")
    public @interface Config {
        @AttributeDefinition(description = "Whether the SSH console listens.")
        boolean enabled() default false;

        @AttributeDefinition(description = "The address it listens on (loopback unless the operator widens it).")
        String address() default "127.0.0.1";

        @AttributeDefinition(description = "The TCP port it listens on.", min = "1", max = "65535")
        int port() default 8022;

        @AttributeDefinition(description = "The authorized_keys file (OpenSSH format; each key with the options "
                + "user=<account> and optionally role=admin, else read-only); relative to the gateway's conf "
                + "folder. No file: nobody logs in.")
        String authorized_keys() default "ssh/authorized_keys";

        @AttributeDefinition(description = "The host key file, generated with mode 0600 at the first start; "
                + "relative to the gateway's conf folder.")
        String host_key() default "ssh/host_key";

        @AttributeDefinition(description = "Seconds without traffic after which a session is closed.", min = "1")
        int idle_timeout() default 900;

        @AttributeDefinition(description = "SSH sessions logged in at most; more logins are refused.", min = "1")
        int sessions_max() default 8;
    }

    /** The listening server; null while the console is off. */
    private final SshListener listener;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OperatorAuthority operators;

    /** Starts listening if the configuration says so. */
    @Activate
    public SshConsole(@Reference CommandProcessor processor, BundleContext context, Config config)
            throws IOException, GeneralSecurityException {
        if (!config.enabled()) {
            listener = null;
            LOG.info("SSH console off (enable it in {}.cfg)", PID);
            return;
        }
        listener = new SshListener(processor, () -> operators, confFolder(context), config);
    }

    private static Path confFolder(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        return Path.of(dir == null ? "conf" : dir).toAbsolutePath();
    }

    @Deactivate
    void stop() throws IOException {
        if (listener != null) {
            listener.stop();
        }
    }
}
