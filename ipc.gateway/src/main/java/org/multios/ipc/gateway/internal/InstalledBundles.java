package org.multios.ipc.gateway.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Bundles installed while the gateway runs (at the console, by File Install) get a start level
 * the framework reaches. The launcher gives bundles without a level of their own one above every
 * bundle it starts, which is above the HTTP start level the framework only rises to at the first
 * HTTP connection ({@link HttpOnFirstUse}): a bundle installed and started there would be marked
 * started and never run.
 */
final class InstalledBundles {
    private InstalledBundles() {
    }

    /** Lowers the initial start level of new bundles to the framework's beginning level, if it is above. */
    static void startWhereTheFrameworkRuns(BundleContext context) {
        String beginning = context.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL);
        if (beginning == null) {
            return; // a launcher that raises the framework itself (a test container) decides
        }
        int level;
        try {
            level = Integer.parseInt(beginning.strip());
        } catch (NumberFormatException e) {
            return;
        }
        FrameworkStartLevel framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkStartLevel.class);
        if (level >= 1 && framework.getInitialBundleStartLevel() > level) {
            framework.setInitialBundleStartLevel(level);
        }
    }
}
