package org.multios.ipc.gateway.boot;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's java.util.logging configuration until SLF4J takes over (see
 * {@code JulBridge}): warnings and worse only, on standard error. The launcher names it in
 * {@code java.util.logging.config.class}, so that the JDK's INFO default never applies: the
 * bundles that log through JUL while the framework starts (SPI Fly) print nothing routine. It is
 * loaded from the gateway jar's own class path, outside every bundle.
 */
public final class QuietJul {
    /** Configures the root logger; the JDK's LogManager calls it once, at its first use. */
    public QuietJul() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.WARNING);
        root.addHandler(console);
    }
}
