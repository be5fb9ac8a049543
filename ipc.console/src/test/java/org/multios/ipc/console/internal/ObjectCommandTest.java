package org.multios.ipc.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
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
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.WaitTimes;

/**
 * {@code ipc:object} shows the wait strategy of objects that have one, and who created an object;
 * given a name alone, every named object of that name, whatever its kind.
 */
class ObjectCommandTest {
    private static final IpcProcess CREATOR = new IpcProcess(ProcessKind.OS_PROCESS, 7, "pid 7", 7, 0, "alice",
            Set.of("staff"));

    @Test
    void anObjectWithAWaitStrategyShowsIt() {
        ObjectInfo queue = info(ObjectType.QUEUE).withWaitStrategy(WaitStrategy.adaptive(20));
        assertThat(new IpcCommands(runtime(queue)).object("queue", "q")).contains("wait       adaptive:20");
    }

    @Test
    void anObjectWithoutOneShowsNoWaitLine() {
        assertThat(new IpcCommands(runtime(info(ObjectType.SHARED_MEMORY))).object("shm", "q")).doesNotContain("wait ");
    }

    @Test
    void theCreatingBundleIsShownWithItsProcess() {
        IpcProcess bundle = new IpcProcess(ProcessKind.BUNDLE, 42, "com.example.hello", 4242, 0, "alice", Set.of("staff"));
        IpcRuntime runtime = runtime(info(ObjectType.QUEUE, bundle));
        assertThat(new IpcCommands(runtime).object("queue", "q"))
                .contains("creator    bundle 42 com.example.hello, pid 4242");
        assertThat(new IpcCommands(runtime).objects())
                .containsPattern("(?m)^TYPE +NAME .* CREATOR$")
                .containsPattern("(?m)^queue +q .* bundle 42 com.example.hello, pid 4242$");
    }

    @Test
    void aPlainProgramAndAnUnknownCreatorAreShownAsSuch() {
        IpcProcess program = new IpcProcess(ProcessKind.OS_PROCESS, 99, "java", 99, 0, "alice", Set.of("staff"));
        assertThat(new IpcCommands(runtime(info(ObjectType.QUEUE, program))).object("queue", "q"))
                .contains("creator    pid 99 (java)");
        assertThat(new IpcCommands(runtime(info(ObjectType.QUEUE))).object("queue", "q")).contains("creator    pid 7\n");
        IpcProcess unknown = new IpcProcess(ProcessKind.OS_PROCESS, 0, "unknown", 0, 0, "alice", Set.of("staff"));
        assertThat(new IpcCommands(runtime(info(ObjectType.QUEUE, unknown))).object("queue", "q"))
                .contains("creator    unknown");
    }

    @Test
    void aNameAloneShowsEveryObjectOfThatNameWhateverItsKind() {
        ObjectInfo queue = info(ObjectType.QUEUE);
        ObjectInfo channel = info(ObjectType.CHANNEL);
        ObjectInfo other = new ObjectInfo(ObjectType.SHARED_MEMORY, 2, Optional.of("other"), CREATOR,
                Permissions.of(CREATOR, 0600), 8, true,
                Statistics.of(new long[org.multios.ipc.Counter.values().length], WaitTimes.NONE));
        String out = new IpcCommands(runtime(java.util.List.of(queue, channel, other))).object("q");
        assertThat(out).contains("queue 'q'\n").contains("channel 'q'\n").doesNotContain("other");
    }

    @Test
    void aNameNoObjectHasIsNotFoundNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IpcCommands(runtime(info(ObjectType.QUEUE))).object("nosuch"))
                .isInstanceOfSatisfying(org.multios.ipc.IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(org.multios.ipc.IpcError.NOT_FOUND))
                .hasMessageContaining("'nosuch'");
    }

    private static ObjectInfo info(ObjectType type) {
        return info(type, CREATOR);
    }

    private static ObjectInfo info(ObjectType type, IpcProcess creator) {
        return new ObjectInfo(type, 1, Optional.of("q"), creator, Permissions.of(CREATOR, 0600), 8, true,
                Statistics.of(new long[org.multios.ipc.Counter.values().length], WaitTimes.NONE));
    }

    private static IpcRuntime runtime(ObjectInfo info) {
        return runtime(java.util.List.of(info));
    }

    /** A runtime holding {@code infos}, found by kind and name. */
    private static IpcRuntime runtime(java.util.List<ObjectInfo> infos) {
        return (IpcRuntime) Proxy.newProxyInstance(IpcRuntime.class.getClassLoader(), new Class<?>[] { IpcRuntime.class },
                (proxy, m, args) -> switch (m.getName()) {
                    case "object" -> infos.stream().filter(o -> o.type() == args[0] && o.name().equals(Optional.of(args[1])))
                            .findFirst();
                    case "objects" -> infos;
                    case "hashCode" -> 0;
                    case "equals" -> false;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
