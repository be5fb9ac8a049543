package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.multios.ipc.spi.GuardedService;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;

/**
 * A mechanism bundle is uninstalled at runtime and its services vanish; installed again, they
 * return; no other bundle is stopped or restarted meanwhile.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class MechanismLifecycleTest extends IpcTestSupport {
    private static final String ECHO = "java.util.function.Function";
    private static final String ECHO_FILTER = "(" + GuardedService.MECHANISM + "=echo)";

    @Test(timeout = 60_000)
    public void uninstalledMechanismServicesVanishAndReturnOnReinstall() throws Exception {
        await("the echo mechanism is guarded", () -> references(ECHO, ECHO_FILTER).length == 1);
        List<String> othersStopped = new CopyOnWriteArrayList<>();
        SynchronousBundleListener watcher = e -> {
            boolean fixture = FixtureBundle.SYMBOLIC_NAME.equals(e.getBundle().getSymbolicName());
            if (!fixture && (e.getType() == BundleEvent.STOPPING || e.getType() == BundleEvent.STOPPED)) {
                othersStopped.add(e.getBundle().getSymbolicName());
            }
        };
        context.addBundleListener(watcher);
        try {
            Bundle fixture = installed(FixtureBundle.SYMBOLIC_NAME);
            fixture.uninstall();
            await("the echo service vanishes", () -> references(ECHO, ECHO_FILTER).length == 0);

            Path file = Path.of(System.getProperty("ipc.fixture.file"));
            Bundle again;
            try (InputStream in = Files.newInputStream(file)) {
                again = context.installBundle("reinstalled:" + file, in);
            }
            again.start();
            await("the echo service returns", () -> references(ECHO, ECHO_FILTER).length == 1);

            assertTrue("no other bundle stopped, but these did: " + othersStopped, othersStopped.isEmpty());
            for (Bundle b : context.getBundles()) {
                if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("ipc.")) {
                    boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null; // ipc.logging
                    assertEquals(b.getSymbolicName() + (fragment ? " is resolved (a fragment)" : " is active"),
                            fragment ? Bundle.RESOLVED : Bundle.ACTIVE, b.getState());
                }
            }
        } finally {
            context.removeBundleListener(watcher);
        }
    }
}
