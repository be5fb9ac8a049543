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
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/**
 * {@code ipc:processes} shows, per IPC owner, the named objects the IPC root holds: what the
 * objects quota counts, which no session's quota use holds; and what its connection count counts.
 */
class ProcessesCommandTest {
    private static final IpcProcess ALICE = process(7, "alice");
    private static final IpcProcess BOB = process(8, "bob");

    @Test
    void theNamedObjectsUnderTheRootAreShownPerOwner() {
        String out = new IpcCommands(runtime(List.of(info(ObjectType.QUEUE, "q", ALICE),
                info(ObjectType.PIPE, "fifo", ALICE), info(ObjectType.SHARED_MEMORY, "s", BOB),
                info(ObjectType.CHANNEL, null, BOB)))).processes();
        assertThat(out).contains("NAMED OBJECTS UNDER THE IPC ROOT");
        assertThat(out.lines().filter(l -> l.startsWith("alice")).findFirst()).hasValueSatisfying(
                l -> assertThat(l.split("\\s+")).containsExactly("alice", "2"));
        assertThat(out.lines().filter(l -> l.startsWith("bob")).findFirst()).as("the anonymous channel is not named")
                .hasValueSatisfying(l -> assertThat(l.split("\\s+")).containsExactly("bob", "1"));
    }

    @Test
    void theConnectionCountSaysItCountsOpenHandlesToo() {
        String out = new IpcCommands(runtime(List.of(info(ObjectType.QUEUE, "q", ALICE)))).processes();
        assertThat(out).as("a count of handles is not shown as network connections alone")
                .contains("open handles and network connections: 3\n");
    }

    private static IpcProcess process(long pid, String user) {
        return new IpcProcess(ProcessKind.OS_PROCESS, pid, "pid " + pid, pid, 0, user, Set.of("staff"));
    }

    private static ObjectInfo info(ObjectType type, String name, IpcProcess owner) {
        return new ObjectInfo(type, 1, Optional.ofNullable(name), owner, Permissions.of(owner, 0600), 8, name != null,
                Statistics.of(new long[org.multios.ipc.Counter.values().length], WaitTimes.NONE));
    }

    private static IpcRuntime runtime(List<ObjectInfo> objects) {
        return (IpcRuntime) Proxy.newProxyInstance(IpcRuntime.class.getClassLoader(), new Class<?>[] { IpcRuntime.class },
                (proxy, m, args) -> switch (m.getName()) {
                    case "objects" -> objects;
                    case "processes" -> List.of();
                    case "connectionCount" -> 3;
                    case "hashCode" -> 0;
                    case "equals" -> false;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
