package org.multios.ipc.examples;

import java.util.concurrent.ThreadLocalRandom;

/** Names of the objects an example makes: unique per run, so runs never meet each other's objects. */
public final class Names {
    private Names() {
    }

    /** {@code <base>-<pid>-<random>}, for example {@code orders-4711-3f9a2c}: a valid IPC name. */
    public static String unique(String base) {
        return base + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    }
}
