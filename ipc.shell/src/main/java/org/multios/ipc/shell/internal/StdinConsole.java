package org.multios.ipc.shell.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The gateway's console on standard input, in place of Gogo shell's (which keeps every line it
 * ran): on when the framework property {@value #PROPERTY} is {@code true} (the gateway sets it).
 * It reads its first line once every bundle up to the framework's start level is active (the
 * launcher starts them after the framework), so that lines piped in at launch find every command
 * and bundle. At the end of standard input the console ends and the gateway keeps running, as a
 * service.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true)
public final class StdinConsole {
    static final String PROPERTY = "org.multios.ipc.console.stdin";

    private final BundleContext context;
    private final AtomicBoolean started = new AtomicBoolean();
    private final BundleListener whenStarted;
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
        // the process's own streams, as Gogo shell takes them: System.out is Gogo's per-thread stream
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        session = ConsoleLoop.newSession(processor, in, out, new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        ConsoleLoop loop = new ConsoleLoop(session, in, out, false, line -> true);
        // Reading standard input cannot be interrupted: a daemon thread, so that it never holds the JVM.
        thread = new Thread(loop::run, "IPC console (stdin)");
        thread.setDaemon(true);
        whenStarted = event -> {
            if (!started.get() && everyBundleActive(context) && started.compareAndSet(false, true)) {
                thread.start();
            }
        };
        context.addBundleListener(whenStarted);
        whenStarted.bundleChanged(null); // every bundle may have started already
    }

    /**
     * Whether every bundle at or below the framework's start level is active (fragments never
     * are; a bundle above it, such as the gateway's HTTP service until its first connection,
     * starts later or never).
     */
    private static boolean everyBundleActive(BundleContext context) {
        int level = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle b : context.getBundles()) {
            if (b.getState() != Bundle.ACTIVE && b.getHeaders("").get(Constants.FRAGMENT_HOST) == null
                    && b.adapt(BundleStartLevel.class).getStartLevel() <= level) {
                return false;
            }
        }
        return true;
    }

    @Deactivate
    void stop() {
        if (thread != null) {
            context.removeBundleListener(whenStarted);
            thread.interrupt();
            session.close();
        }
    }
}
