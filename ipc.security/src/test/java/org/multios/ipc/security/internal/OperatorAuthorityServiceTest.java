package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.security.internal.OperatorAuthorityService.FIRST_OPERATOR;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.OperatorSession;

class OperatorAuthorityServiceTest {
    /** The API of a test mechanism: opening a queue owned by root, mode 0660, for writing. */
    interface Queues {
        Grant openForWriting(String name);
    }

    /** Binds {@link Queues} to each caller and remembers whom it bound and released. */
    static final class QueueProvider implements MechanismProvider<Queues> {
        final List<CallerContext> bound = new ArrayList<>();
        final List<CallerContext> released = new ArrayList<>();

        @Override
        public Class<Queues> apiType() {
            return Queues.class;
        }

        @Override
        public Queues bind(CallerContext caller) {
            bound.add(caller);
            return name -> caller.authorize(ObjectType.QUEUE, name, new Permissions("root", "root", 0660), Rights.WRITE);
        }

        @Override
        public void release(CallerContext caller) {
            released.add(caller);
        }

        /** What {@link #objects} lists. */
        final List<ObjectInfo> objects = new ArrayList<>();

        @Override
        public List<ObjectInfo> objects() {
            return objects;
        }

        @Override
        public int connectionCount() {
            return 0;
        }
    }

    /** One line a thousand seconds: after {@link #drainAudit}, every denial audited is counted. */
    private final AuditLog audit = new AuditLog(0.001);
    private final QueueProvider queues = new QueueProvider();
    private final Object console = new Object();

    private OperatorAuthorityService authority(List<String> admins) {
        Sessions sessions = new Sessions();
        sessions.policy(new SecurityPolicy(BundleIdentities.parse("ipc", List.of("ipc"), List.of()),
                PeerIdentities.parse("nobody", List.of(), List.of()), Map.of(),
                AccessPolicy.of(List.of("allow user:alice w queue:orders", "deny user:bob * queue:orders")),
                PlatformAdmins.parse(admins), 1,
                OperatorIdentities.parse(List.of("ssh:alice=alice:ops", "ssh:bob=bob:ops"))), audit);
        return new OperatorAuthorityService(sessions, () -> List.of(queues), () -> null, () -> null);
    }

    private void drainAudit() {
        audit.denied("test", "use up", "the audit's burst");
        assertThat(audit.suppressed()).isZero();
    }

    @Test
    void eachAccountActsAsTheIdentityThePolicyMapsItToUnderTheRules() {
        OperatorAuthorityService operators = authority(List.of());
        drainAudit();
        try (OperatorSession alice = operators.login("ssh:alice", "/127.0.0.1:40000", console);
                OperatorSession bob = operators.login("ssh:bob", "/127.0.0.1:40001", new Object())) {
            assertThat(alice.process().kind()).isEqualTo(ProcessKind.REMOTE);
            assertThat(alice.process().id()).isGreaterThanOrEqualTo(FIRST_OPERATOR);
            assertThat(alice.process().user()).isEqualTo("alice");
            assertThat(alice.process().groups()).containsExactly("ops");
            assertThat(alice.process().name()).isEqualTo("ssh:alice from /127.0.0.1:40000");

            assertThat(alice.service(Queues.class).openForWriting("orders").allows(Rights.WRITE)).isTrue();
            assertThatThrownBy(() -> bob.service(Queues.class).openForWriting("orders"))
                    .isInstanceOf(IpcException.class).hasMessageContaining("ssh:bob from /127.0.0.1:40001")
                    .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.PERMISSION_DENIED));
            assertThat(audit.suppressed()).as("bob's denial was audited").isEqualTo(1);
            assertThat(alice.service(Queues.class)).as("bound once").isSameAs(alice.service(Queues.class));
        }
    }

    @Test
    void anAccountThePolicyDoesNotMapActsAsTheUserNamedLikeIt() {
        try (OperatorSession carol = authority(List.of()).login("ssh:carol", "/127.0.0.1:40002", console)) {
            assertThat(carol.process().user()).isEqualTo("carol");
            assertThat(carol.process().groups()).containsExactly("carol");
            assertThatThrownBy(() -> carol.service(Queues.class).openForWriting("telemetry"))
                    .as("no right on root's objects").isInstanceOf(IpcException.class);
        }
    }

    @Test
    void theConsoleFindsItsOperatorUntilLogoutWhichReleasesWhatItHeld() {
        OperatorAuthorityService operators = authority(List.of());
        OperatorSession alice = operators.login("ssh:alice", "/127.0.0.1:40000", console);
        Queues bound = alice.service(Queues.class);
        assertThat(operators.operatorOf(console)).containsSame(alice);
        assertThat(operators.operatorOf(new Object())).isEmpty();
        assertThatThrownBy(() -> operators.login("ssh:bob", "/127.0.0.1:40001", console))
                .isInstanceOf(IpcException.class).hasMessageContaining("already has an operator");

        alice.close();
        alice.close();
        assertThat(bound).isNotNull();
        assertThat(operators.operatorOf(console)).isEmpty();
        assertThat(queues.released).hasSize(1).containsExactlyElementsOf(queues.bound);
        assertThat(alice.service(Queues.class)).isNull();
    }

    @Test
    void noOperatorLogsInWhileNoPolicyIsInForce() {
        OperatorAuthorityService operators = new OperatorAuthorityService(new Sessions(), List::of, () -> null,
                () -> null);
        assertThatThrownBy(() -> operators.login("ssh:alice", "/127.0.0.1:40000", console))
                .isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.UNAVAILABLE));
        assertThat(operators.operatorOf(console)).isEmpty();
    }

    @Test
    void anOperatorHoldsThePlatformsAdminRightOnlyWhereAdminsNamesIt() {
        try (OperatorSession alice = authority(List.of()).login("ssh:alice", "/127.0.0.1:40000", console)) {
            assertThatThrownBy(() -> alice.service(AccessControl.class).revoke(1, ObjectType.QUEUE, "orders"))
                    .as("the trusted bundles are the default admins; an operator is none")
                    .isInstanceOf(IpcException.class).hasMessageContaining("ssh:alice");
        }
        try (OperatorSession alice = authority(List.of("group:ops")).login("ssh:alice", "/127.0.0.1:40000", console)) {
            assertThat(alice.service(AccessControl.class).revoke(1, ObjectType.QUEUE, "orders")).isZero();
        }
    }

    @Test
    void operatorEntriesThatDoNotParseAreRefusedNamingTheEntry() {
        for (String entry : List.of("alice=alice", "ssh:=alice", "ssh:alice=", "ssh:al ice=alice")) {
            assertThatThrownBy(() -> OperatorIdentities.parse(List.of(entry))).isInstanceOf(IpcException.class)
                    .hasMessageContaining(entry);
        }
        assertThatThrownBy(() -> OperatorIdentities.parse(List.of("ssh:alice=a", "ssh:alice=b")))
                .hasMessageContaining("repeats the account ssh:alice");
        assertThatThrownBy(() -> OperatorIdentities.NONE.of("alice")).isInstanceOf(IpcException.class)
                .hasMessageContaining("does not start with ssh:");
    }

    @Test
    void anOperatorOfALaterRunIsNotTakenForTheCreatorOfWhatAnEarlierOneMade() {
        // an earlier gateway run's first operator (alice) made 'door', mode 0600: its file records
        // that session's identity, which has no pid and no start time
        IpcProcess earlierAlice = new IpcProcess(ProcessKind.REMOTE, FIRST_OPERATOR, "ssh:alice from /127.0.0.1:39000",
                0, 0, "alice", Set.of("ops"));
        queues.objects.add(new ObjectInfo(ObjectType.QUEUE, 1, Optional.of("door"), earlierAlice,
                new Permissions("alice", "ops", 0600), 8, true, Statistics.EMPTY));
        // this run's first operator is carol, with the same number
        try (OperatorSession carol = authority(List.of()).login("ssh:carol", "/127.0.0.1:40002", console)) {
            assertThat(carol.process().id()).isEqualTo(FIRST_OPERATOR);
            assertThat(carol.service(IpcRuntime.class).objects()).as("carol has no right on alice's queue").isEmpty();
        }
        try (OperatorSession alice = authority(List.of()).login("ssh:alice", "/127.0.0.1:40003", console)) {
            assertThat(alice.service(IpcRuntime.class).objects()).extracting(ObjectInfo::name)
                    .as("alice sees it by her rights").containsExactly(Optional.of("door"));
        }
    }
}
