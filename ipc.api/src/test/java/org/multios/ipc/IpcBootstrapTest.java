package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.spi.MechanismFactory;
import org.multios.ipc.spi.MechanismProvider;

class IpcBootstrapTest {

    /** The API of the test mechanism. */
    interface Greeter {
        String greet();
    }

    /** The API of a mechanism that is never on the class path. */
    interface Absent {
    }

    /** A mechanism that records what the bootstrap does with it. */
    static final class GreeterProvider implements MechanismProvider<Greeter> {
        final IpcEnvironment environment;
        final List<CallerContext> bound = new ArrayList<>();
        final List<CallerContext> released = new ArrayList<>();
        int connections = 4;

        GreeterProvider(IpcEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Class<Greeter> apiType() {
            return Greeter.class;
        }

        @Override
        public Greeter bind(CallerContext caller) {
            bound.add(caller);
            return () -> "hello " + caller.process().pid();
        }

        @Override
        public void release(CallerContext caller) {
            released.add(caller);
        }

        @Override
        public List<ObjectInfo> objects() {
            return List.of();
        }

        @Override
        public int connectionCount() {
            return connections;
        }
    }

    static final class GreeterFactory implements MechanismFactory {
        final List<GreeterProvider> created = new ArrayList<>();
        final List<MechanismProvider<?>> closed = new ArrayList<>();

        @Override
        public MechanismProvider<?> create(IpcEnvironment environment) {
            GreeterProvider p = new GreeterProvider(environment);
            created.add(p);
            return p;
        }

        @Override
        public void close(MechanismProvider<?> provider) {
            closed.add(provider);
        }

        GreeterProvider provider() {
            assertThat(created).hasSize(1);
            return created.get(0);
        }
    }

    @TempDir
    Path root;

    private IpcEnvironment environment() {
        return new IpcEnvironment(root, IpcLimits.defaults().with(Limit.CHANNELS, 7));
    }

    @Test
    void givesTheServiceTheProviderBoundForThisProcess() {
        GreeterFactory factory = new GreeterFactory();
        try (IpcContext ipc = LocalPlatform.open(environment(), List.of(factory))) {
            long pid = ProcessHandle.current().pid();

            Greeter greeter = ipc.service(Greeter.class);

            assertThat(greeter.greet()).isEqualTo("hello " + pid);
            GreeterProvider provider = factory.provider();
            assertThat(provider.environment.root()).isEqualTo(root);
            assertThat(provider.bound).hasSize(1);
            IpcProcess caller = provider.bound.get(0).process();
            assertThat(caller.kind()).isEqualTo(ProcessKind.OS_PROCESS);
            assertThat(caller.pid()).isEqualTo(pid);
            assertThat(ipc.process()).isEqualTo(caller);
        }
    }

    @Test
    void callerContextDecidesByPosixRules() {
        GreeterFactory factory = new GreeterFactory();
        try (IpcContext ipc = LocalPlatform.open(environment(), List.of(factory))) {
            CallerContext caller = factory.provider().bound.get(0);
            String me = caller.process().user();
            Permissions mine = new Permissions(me, "some-group", 0600);
            Permissions others = new Permissions(me + "-not", "no-such-group-" + me, 0600);

            assertThat(caller.authorize(ObjectType.QUEUE, "q", mine, Rights.READ).rights()).isEqualTo(Rights.ALL);
            assertThatThrownBy(() -> caller.authorize(ObjectType.QUEUE, "q", others, Rights.READ))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED));
        }
    }

    @Test
    void unknownServiceIsUnavailable() {
        try (IpcContext ipc = LocalPlatform.open(environment(), List.of(new GreeterFactory()))) {
            assertThatThrownBy(() -> ipc.service(Absent.class))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.UNAVAILABLE))
                    .hasMessageContaining(Absent.class.getName());
        }
    }

    @Test
    void withoutMechanismsEveryServiceIsUnavailable() {
        try (IpcContext ipc = LocalPlatform.open(environment(), List.of())) {
            assertThatThrownBy(() -> ipc.service(Greeter.class))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.UNAVAILABLE));
            assertThat(ipc.runtime().objects()).isEmpty();
            assertThat(ipc.runtime().connectionCount()).isZero();
        }
    }

    @Test
    void closeReleasesTheCallerAndClosesTheProviderOnce() {
        GreeterFactory factory = new GreeterFactory();
        IpcContext ipc = LocalPlatform.open(environment(), List.of(factory));
        GreeterProvider provider = factory.provider();

        ipc.close();
        ipc.close();

        assertThat(provider.released).containsExactly(provider.bound.get(0));
        assertThat(factory.closed).containsExactly(provider);
    }

    @Test
    void serviceAfterCloseIsClosed() {
        IpcContext ipc = LocalPlatform.open(environment(), List.of(new GreeterFactory()));
        ipc.close();

        assertThatThrownBy(() -> ipc.service(Greeter.class))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }

    @Test
    void runtimeReflectsTheProviders() {
        GreeterFactory factory = new GreeterFactory();
        try (IpcContext ipc = LocalPlatform.open(environment(), List.of(factory))) {
            IpcRuntime runtime = ipc.runtime();

            assertThat(runtime.connectionCount()).isEqualTo(4);
            factory.provider().connections = 9;
            assertThat(runtime.connectionCount()).isEqualTo(9);

            assertThat(runtime.currentProcess()).isEqualTo(ipc.process());
            assertThat(runtime.processes()).containsExactly(ipc.process());
            assertThat(runtime.limits().get(Limit.CHANNELS)).isEqualTo(7);
        }
    }

    @Test
    void twoMechanismsWithTheSameApiTypeAreRefusedAndBothStopped() {
        GreeterFactory first = new GreeterFactory();
        GreeterFactory second = new GreeterFactory();

        assertThatThrownBy(() -> LocalPlatform.open(environment(), List.of(first, second)))
                .isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("two mechanisms provide");

        assertThat(first.closed).containsExactly(first.provider());
        assertThat(second.closed).containsExactly(second.provider());
    }

    @Test
    void failedOpenClosesTheMechanismsAlreadyStarted() {
        GreeterFactory good = new GreeterFactory();
        MechanismFactory broken = new MechanismFactory() {
            @Override
            public MechanismProvider<?> create(IpcEnvironment environment) {
                throw new IpcException(IpcError.IO_ERROR, "cannot start");
            }

            @Override
            public void close(MechanismProvider<?> provider) {
            }
        };

        assertThatThrownBy(() -> LocalPlatform.open(environment(), List.of(good, broken))).isInstanceOf(IpcException.class);

        assertThat(good.closed).containsExactly(good.provider());
    }
}
