package org.multios.ipc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.Limit;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Statistics;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.CallerContext;

class RuntimeViewTest {
    private static final IpcProcess ME = new IpcProcess(ProcessKind.BUNDLE, 3, "me", 100, 0, "alice",
            Set.of("staff"));
    private static final IpcProcess OTHER = new IpcProcess(ProcessKind.BUNDLE, 4, "other", 100, 0, "bob",
            Set.of("staff"));

    /** A mechanism that only reports fixed objects and a connection count. */
    private record FakeProvider(List<ObjectInfo> objects, int connectionCount) implements MechanismProvider<Runnable> {
        @Override
        public Class<Runnable> apiType() {
            return Runnable.class;
        }

        @Override
        public Runnable bind(CallerContext caller) {
            return () -> { };
        }

        @Override
        public void release(CallerContext caller) {
        }
    }

    private static ObjectInfo named(ObjectType type, String name) {
        return new ObjectInfo(type, name.hashCode(), Optional.of(name), ME, new Permissions("alice", "staff", 0600),
                0, true, Statistics.EMPTY);
    }

    private static ObjectInfo anonymous(ObjectType type, long id) {
        return new ObjectInfo(type, id, Optional.empty(), ME, new Permissions("alice", "staff", 0600), 0, false,
                Statistics.EMPTY);
    }

    private final List<MechanismProvider<?>> providers = new ArrayList<>(List.of(
            new FakeProvider(List.of(named(ObjectType.QUEUE, "zeta"), named(ObjectType.QUEUE, "alpha")), 3),
            new FakeProvider(List.of(named(ObjectType.SEMAPHORE, "lock"), anonymous(ObjectType.PIPE, 7)), 2),
            new FakeProvider(List.of(named(ObjectType.CHANNEL, "ctl"), named(ObjectType.QUEUE, "mid")), 0)));

    private final RuntimeView view = new RuntimeView(ME, () -> providers, () -> List.of(ME, OTHER),
            IpcLimits::defaults);

    @Test
    void objectsOfEveryProviderAreMergedAndSortedByTypeThenName() {
        assertThat(view.objects()).extracting(ObjectInfo::type, ObjectInfo::displayName).containsExactly(
                tuple(ObjectType.CHANNEL, "ctl"),
                tuple(ObjectType.QUEUE, "alpha"),
                tuple(ObjectType.QUEUE, "mid"),
                tuple(ObjectType.QUEUE, "zeta"),
                tuple(ObjectType.PIPE, "#7"),
                tuple(ObjectType.SEMAPHORE, "lock"));
    }

    @Test
    void objectsOfOneType() {
        assertThat(view.objects(ObjectType.QUEUE)).extracting(ObjectInfo::displayName)
                .containsExactly("alpha", "mid", "zeta");
        assertThat(view.objects(ObjectType.EVENT)).isEmpty();
    }

    @Test
    void objectByTypeAndName() {
        assertThat(view.object(ObjectType.QUEUE, "mid")).get().extracting(ObjectInfo::type)
                .isEqualTo(ObjectType.QUEUE);
        assertThat(view.object(ObjectType.CHANNEL, "mid")).isEmpty();
        assertThat(view.object(ObjectType.QUEUE, "nope")).isEmpty();
        assertThat(view.object(ObjectType.PIPE, "#7")).as("anonymous objects have no name").isEmpty();
    }

    @Test
    void connectionCountIsTheSumOverProviders() {
        assertThat(view.connectionCount()).isEqualTo(5);
    }

    @Test
    void reflectsProvidersThatComeAndGo() {
        providers.remove(0);
        assertThat(view.connectionCount()).isEqualTo(2);
        assertThat(view.objects(ObjectType.QUEUE)).extracting(ObjectInfo::displayName).containsExactly("mid");

        providers.clear();
        assertThat(view.objects()).isEmpty();
        assertThat(view.connectionCount()).isZero();
    }

    @Test
    void callerProcessesAndLimits() {
        assertThat(view.currentProcess()).isSameAs(ME);
        assertThat(view.processes()).containsExactly(ME, OTHER);
        assertThat(view.limits().get(Limit.CHANNELS)).isEqualTo(1024);
    }
}
