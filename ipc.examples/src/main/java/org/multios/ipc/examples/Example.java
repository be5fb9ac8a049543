package org.multios.ipc.examples;

import java.io.PrintWriter;

/**
 * One runnable example: a short program that uses the IPC services the way an application
 * would, prints what it does in a few lines, and removes every named object it made. Each
 * example is run from the console with {@code ipc:example <name>} and as a unit test through
 * the plain-Java bootstrap.
 */
public interface Example {
    /** The name the console knows it by, for example {@code queue-priorities}. */
    String name();

    /** One line saying what it shows. */
    String describe();

    /**
     * Runs the example: uses the services, prints its steps to {@code out}, and cleans up (named
     * objects unlinked, threads ended) before it returns, also when it fails.
     *
     * @throws Exception whatever the example's code throws; IPC failures are
     *                   {@link org.multios.ipc.IpcException}s naming the error and the object
     */
    void run(ExampleServices services, PrintWriter out) throws Exception;
}
