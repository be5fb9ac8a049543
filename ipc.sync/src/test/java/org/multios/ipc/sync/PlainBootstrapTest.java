package org.multios.ipc.sync;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain JVM with this module's runtime class path (its classes and runtime dependencies)
 * opens the platform with {@link org.multios.ipc.Ipc#open()}, which starts every mechanism the
 * class path offers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PlainBootstrapTest extends CrossProcessSyncSupport {
    @Test
    void aChildOpensThePlatformWithEveryMechanismOfItsClassPath() throws Exception {
        Process p = child("bootstrap", "bootstrap");
        children.awaitLine(p, "opened");
        children.awaitSuccess(p);
    }
}
