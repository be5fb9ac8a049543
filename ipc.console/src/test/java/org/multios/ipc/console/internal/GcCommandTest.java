package org.multios.ipc.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.StaleCollection;
import org.multios.ipc.StaleCollection.UnreadableProcess;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/** {@code ipc:gc} says what it kept only because processes could not be read, and names them. */
class GcCommandTest {
    private static final IpcProcess GONE = new IpcProcess(ProcessKind.OS_PROCESS, 6011, "pid 6011", 6011, 0, "root",
            Set.of("root"));

    @Test
    void nothingCollectedOrKeptSaysNothingToCollect() {
        assertThat(gc(StaleCollection.NONE)).isEqualTo("nothing to collect\n");
    }

    @Test
    void objectsKeptForAnUnreadableProcessAreCountedAndItIsNamed() {
        String out = gc(new StaleCollection(List.of(), List.of(info("a"), info("b")),
                List.of(new UnreadableProcess(1, "process_api"))));
        assertThat(out).isEqualTo("nothing to collect; kept 2 objects: the maps of 1 process cannot be read, "
                + "so it might hold them (pid 1 process_api)\n");
    }

    @Test
    void atMostThreeUnreadableProcessesAreNamedAndAllCounted() {
        String out = gc(new StaleCollection(List.of(info("gone")), List.of(info("a")),
                List.of(new UnreadableProcess(1, "init"), new UnreadableProcess(7, "sshd"),
                        new UnreadableProcess(9, ""), new UnreadableProcess(12, "cron"))));
        assertThat(out).startsWith("collected:\n").contains("gone");
        assertThat(out).endsWith("kept 1 object: the maps of 4 processes cannot be read, so they might hold them "
                + "(pid 1 init, pid 7 sshd, pid 9, ...)\n");
        assertThat(out).doesNotContain("cron");
    }

    @Test
    void anUnlistableProcSaysSo() {
        assertThat(gc(new StaleCollection(List.of(), List.of(info("a")), List.of())))
                .contains("kept 1 object: the processes under /proc cannot be listed");
    }

    private static String gc(StaleCollection collection) {
        IpcRuntime runtime = (IpcRuntime) Proxy.newProxyInstance(IpcRuntime.class.getClassLoader(),
                new Class<?>[] { IpcRuntime.class }, (proxy, m, args) -> switch (m.getName()) {
                    case "collectStaleObjects" -> collection;
                    case "hashCode" -> 0;
                    case "equals" -> false;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return new IpcCommands(runtime).gc();
    }

    private static ObjectInfo info(String name) {
        return new ObjectInfo(ObjectType.SHARED_MEMORY, 1, Optional.of(name), GONE, Permissions.of(GONE, 0600), 4096,
                true, Statistics.of(new long[org.multios.ipc.Counter.values().length], WaitTimes.NONE));
    }
}
