package org.multios.ipc.shell.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The gateway's console on standard input, in place of Gogo shell's (which keeps every line it
 * ran): on when the framework property {@value #PROPERTY} is {@code true} (the gateway sets it).
 * It reads its first line once the framework is active (its beginning start level reached), so
 * that lines piped in at launch find every command. At the end of standard input the console ends
 * and the gateway keeps running, as a service.
 */
@Component(immediate = true)
public final class StdinConsole {
    static final String PROPERTY = "org.multios.ipc.console.stdin";

    private final BundleContext context;
    private final AtomicBoolean started = new AtomicBoolean();
    private final FrameworkListener whenStarted;
    private final CommandSession session;
    private final Thread thread;

    /** Starts reading standard input, once the framework has started, if the property asks for it. */
    @Activate
    public StdinConsole(@Reference CommandProcessor processor, BundleContext context) {
        this.context = context;
        if (!Boolean.parseBoolean(context.getProperty(PROPERTY))) {
            whenStarted = null;
            session = null;
            thread = null;
            return;
        }
        InputStream in = new FileInputStream(FileDescriptor.in);
        PrintStream out = System.out;
        session = ConsoleLoop.newSession(processor, in, out, System.err);
        ConsoleLoop loop = new ConsoleLoop(session, in, out, false, line -> true);
        // Reading standard input cannot be interrupted: a daemon thread, so that it never holds the JVM.
        thread = new Thread(loop::run, "IPC console (stdin)");
        thread.setDaemon(true);
        Bundle framework = context.getBundle(0);
        whenStarted = event -> {
            if (framework.getState() == Bundle.ACTIVE && started.compareAndSet(false, true)) {
                thread.start();
            }
        };
        context.addFrameworkListener(whenStarted);
        whenStarted.frameworkEvent(null); // the framework may have started already
    }

    @Deactivate
    void stop() {
        if (thread != null) {
            context.removeFrameworkListener(whenStarted);
            thread.interrupt();
            session.close();
        }
    }
}
