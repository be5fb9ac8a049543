package org.multios.ipc.shell.internal;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.OperatorAuthority;
import org.multios.ipc.spi.OperatorSession;
import org.multios.ipc.local.LogText;
import org.slf4j.Logger;

/**
 * The Gogo console of one SSH channel: an interactive shell, or one command line when the client
 * gave one ({@code ssh host ipc:objects}). It runs on its own thread, in a Gogo session of its
 * own with the channel's streams, logged in as the IPC process the security policy maps the
 * account to ({@code ssh:<account>}, see {@link OperatorAuthority}), so that the ipc commands act
 * as that process; each line the account's role refuses is refused, each line run is audited
 * with the account's name.
 */
final class SshShell implements Command {
    private static final int CHANNEL_BUFFER = 16 * 1024;
    private final CommandProcessor processor;
    private final Supplier<OperatorAuthority> operators;
    private final Logger audit;
    private final String commandLine;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread thread;

    /** @param commandLine the line to run, or null for an interactive shell */
    SshShell(CommandProcessor processor, Supplier<OperatorAuthority> operators, Logger audit, String commandLine) {
        this.processor = processor;
        this.operators = operators;
        this.audit = audit;
        this.commandLine = commandLine;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        String user = channel.getSession().getUsername();
        String origin = String.valueOf(channel.getSession().getClientAddress());
        Role role = channel.getSession().getAttribute(SshListener.ROLE);
        boolean terminal = env.getEnv().containsKey(Environment.ENV_TERM); // a pseudo-terminal was asked for
        thread = new Thread(() -> run(user, origin, role, terminal),
                "IPC ssh console " + user + " #" + channel.getChannelId());
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String user, String origin, Role role, boolean terminal) {
        int status = 1;
        PrintStream console = channelStream(out, terminal);
        PrintStream errors = new PrintStream(terminal ? new CrLf(err) : err, true, StandardCharsets.UTF_8); // rare: sent at once
        CommandSession session = ConsoleLoop.newSession(processor, in, console, errors);
        try (OperatorSession operator = login(user, origin, session, console)) {
            if (operator == null) {
                return;
            }
            status = 0;
            session.put("USER", user);
            ConsoleLoop loop = new ConsoleLoop(session, in, console, terminal, line -> {
                boolean allowed = role.allowedLines.test(line);
                audit.info("ssh:{} ({}) {}: {}", LogText.of(user), role.label(), allowed ? "runs" : "refused",
                        LogText.of(line));
                return allowed;
            });
            if (commandLine == null) {
                loop.run();
            } else {
                status = loop.runLine(commandLine) ? 0 : 1;
            }
        } finally {
            session.close();
            console.flush();
            errors.flush();
            exit.onExit(status);
        }
    }

    /**
     * Logs the account in as the IPC process its commands act as; null, with the reason told and
     * audited, where that cannot be (no security policy in force): the console then runs nothing.
     */
    private OperatorSession login(String user, String origin, CommandSession session, PrintStream console) {
        String account = OperatorAuthority.SSH + user;
        OperatorAuthority authority = operators.get();
        String problem = "the IPC security bundle is not running";
        if (authority != null) {
            try {
                OperatorSession operator = authority.login(account, origin, session);
                audit.info("{} acts as {} (user {}, groups {})", account, operator.process(),
                        operator.process().user(), String.join(",", operator.process().groups()));
                return operator;
            } catch (IpcException e) {
                problem = e.getMessage();
            }
        }
        audit.warn("{} from {} refused a console: {}", account, origin, problem);
        console.println("refused: no IPC identity for " + account + ": " + problem);
        return null;
    }

    /**
     * A stream to the channel that sends what was written when the console flushes it (after each
     * prompt, echo and command), not at every line: each flush of a channel's stream is an SSH
     * packet that the writing thread waits for, and a command printing a table line by line
     * made a packet and a thread hand-off per line, which took minutes for a few thousand
     * commands on a loaded machine.
     */
    private static PrintStream channelStream(OutputStream channel, boolean terminal) {
        OutputStream buffered = new BufferedOutputStream(terminal ? new CrLf(channel) : channel, CHANNEL_BUFFER);
        return new PrintStream(buffered, false, StandardCharsets.UTF_8);
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** A terminal's output: each line feed preceded by a carriage return. */
    private static final class CrLf extends FilterOutputStream {
        CrLf(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                out.write('\r');
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    out.write(b, start, i - start);
                    out.write('\r');
                    start = i;
                }
            }
            out.write(b, start, off + len - start);
        }
    }
}
