package org.multios.ipc.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.util.function.Predicate;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * One console: reads command lines, runs each in a Gogo session and prints its result or its
 * error as {@code gogo: Class: message}, like Gogo's own console. Each line runs as a top-level
 * job of the session, which Gogo forgets when it is done: a console fed lines for months keeps
 * no trace of them (Gogo's shell console runs every line as a child of its own never-ending job,
 * and keeps them all).
 */
final class ConsoleLoop {
    private static final String PROMPT = "g! ";

    private final CommandSession session;
    private final InputStream in;
    private final PrintStream out;
    private final boolean terminal;
    private final Predicate<String> allowed;

    /**
     * @param terminal whether the other side is a terminal in raw mode: typed characters are
     *                 echoed and the line editing keys handled here
     * @param allowed  which lines may run; the others are refused with a message
     */
    ConsoleLoop(CommandSession session, InputStream in, PrintStream out, boolean terminal, Predicate<String> allowed) {
        this.session = session;
        this.in = in;
        this.out = out;
        this.terminal = terminal;
        this.allowed = allowed;
    }

    /** A Gogo session with these streams, finding Gogo's own commands first as Gogo's shell does. */
    static CommandSession newSession(CommandProcessor processor, InputStream in, PrintStream out, PrintStream err) {
        CommandSession session = processor.createSession(in, out, err);
        session.put("SCOPE", "gogo:*");
        return session;
    }

    /** Runs lines until {@code exit}, the end of input, ^D or an interrupt. */
    void run() {
        try {
            String line;
            while (!Thread.currentThread().isInterrupted() && (line = readLine()) != null
                    && !line.strip().equals("exit")) {
                if (!line.isBlank()) {
                    runLine(line);
                }
            }
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ended) {
            // the other side went away: the console ends
        }
    }

    /** Runs one line and prints what it gave; returns whether it succeeded. */
    boolean runLine(String line) {
        if (!allowed.test(line)) {
            out.println("refused: this account may only run listing commands (ipc:objects, ipc:object, "
                    + "ipc:processes, ipc:limits, ipc:rules), without scripting");
            out.flush();
            return false;
        }
        try {
            Object result = session.execute(line);
            session.put("_", result);
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                out.println(session.format(result, Converter.INSPECT));
            }
            return true;
        } catch (Exception | LinkageError | StackOverflowError | InternalError e) {
            // a script recursing without end, a class of a bundle being updated, a fault of a
            // mapping another process truncated: the command failed, the console goes on
            session.put("exception", e);
            out.println("gogo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        } finally {
            out.flush();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        out.print(PROMPT);
        out.flush();
        while (true) {
            int c = in.read();
            switch (c) {
                case -1, 4 -> {
                    return null;
                }
                case '\r', '\n' -> {
                    if (c == '\r' && !terminal) {
                        continue;
                    }
                    if (terminal) {
                        out.print('\n');
                        out.flush();
                    }
                    return line.toString();
                }
                case '\b', 127 -> {
                    if (line.length() > 0) {
                        line.setLength(line.length() - 1);
                        if (terminal) {
                            out.print("\b \b");
                            out.flush();
                        }
                    }
                }
                default -> {
                    line.append((char) c);
                    if (terminal) {
                        out.print((char) c);
                        if (in.available() == 0) { // echo what was typed at once, pasted text in one write
                            out.flush();
                        }
                    }
                }
            }
        }
    }
}
