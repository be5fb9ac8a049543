package org.multios.ipc.spi;

/**
 * The main method of a child JVM that a test starts through {@link ChildProcesses}: it runs the
 * child's body and ends the process with exit code 0 when the body returns, or prints the stack
 * trace and exits with 1 when it throws. Parents read a child's standard output line by line, so
 * {@link #say} flushes each line.
 *
 * <p>A class apart from {@link ChildProcesses}, on the JDK alone: a child's class path is the
 * module's runtime class path (without JUnit or AssertJ, which {@link ChildProcesses} needs), the
 * module's test classes and the place of this class, which {@link ChildProcesses#childClassPath}
 * adds.
 */
public final class ChildMain {
    /** What a child does with its arguments; it may throw anything, which fails the child. */
    @FunctionalInterface
    public interface Body {
        void run(String[] args) throws Exception;
    }

    private ChildMain() {
    }

    /** Runs {@code body}, then exits with 0; if it throws, prints the stack trace and exits with 1. */
    public static void run(String[] args, Body body) {
        try {
            body.run(args);
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            System.exit(1);
        }
    }

    /**
     * {@link #run} between two lines of progress: first {@code child <pid> runs <arguments>}, then,
     * when {@code body} returned, {@code done}.
     */
    public static void runAnnounced(String[] args, Body body) {
        run(args, a -> {
            announce(a);
            body.run(a);
            say("done");
        });
    }

    /**
     * {@link #runAnnounced} for a child whose first argument names its command: its last line is
     * {@code done <command>}.
     */
    public static void runCommand(String[] args, Body body) {
        run(args, a -> {
            announce(a);
            body.run(a);
            say("done " + a[0]);
        });
    }

    /** Prints one line to standard output and flushes it, so the parent sees it at once. */
    public static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void announce(String[] args) {
        say("child " + ProcessHandle.current().pid() + " runs " + String.join(" ", args));
    }
}
