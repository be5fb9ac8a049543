package org.multios.ipc.spi;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;

/**
 * Virtual threads (Java 21 and later) for tests that build and run on Java 17 too: reached by
 * reflection, and a test that asks for one on Java 17 is skipped.
 */
public final class VirtualThreads {
    private VirtualThreads() {
    }

    /** Starts {@code r} on a new virtual thread; skips the calling test where there are none. */
    public static Thread start(Runnable r) throws ReflectiveOperationException {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException java17) {
            assumeTrue(false, "virtual threads need Java 21");
            throw java17;
        }
        Method unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
        Thread t = (Thread) unstarted.invoke(ofVirtual.invoke(null), r);
        t.start();
        return t;
    }
}
