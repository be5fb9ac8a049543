package org.multios.ipc.net.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.local.PosixCaller;
import org.multios.ipc.local.QuotaLedger;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.DatagramEndpoint;
import org.multios.ipc.net.DatagramOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;

/**
 * Rules on endpoints name texts; a handle is decided on what it reaches too ({@code Reach}): the
 * addresses of its host's one lookup, which the socket then uses, and the real path of a Unix
 * socket file. Lookups are answered by the test ({@code HostLookup}), so that no test depends on
 * the machine's resolver.
 */
@Timeout(60)
class ReachTest extends NetTestSupport {
    private static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false)
            .withSocketMode(0666);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private NetMechanism mechanism;
    private final PolicyCaller server = new PolicyCaller();
    private final PolicyCaller client = new PolicyCaller();
    /** The names looked up, in order. */
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    /** What each host resolves to, in turn (the last answer stays). */
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    @BeforeEach
    void startMechanism() {
        mechanism = (NetMechanism) new NetMechanismFactory(NetSettings.DEFAULTS)
                .create(new IpcEnvironment(root, IpcLimits.defaults()));
        mechanism.lookup(this::lookUp);
    }

    @AfterEach
    void closeMechanism() {
        mechanism.close();
    }

    private InetAddress[] lookUp(String host) throws UnknownHostException {
        List<String> in = answers.get(host);
        if (in == null) {
            return InetAddress.getAllByName(host); // literals: no lookup
        }
        lookups.add(host);
        int n = asked.computeIfAbsent(host, h -> new AtomicInteger()).getAndIncrement();
        String[] addresses = in.get(Math.min(n, in.size() - 1)).split(",");
        InetAddress[] all = new InetAddress[addresses.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = InetAddress.getByName(addresses[i]);
        }
        return all;
    }

    /**
     * {@code deny * * endpoint:tcp://127.0.0.1:*} and a connect to {@code tcp://localhost:PORT}:
     * before, the name was decided alone and the connection reached 127.0.0.1; now every address
     * of the lookup is decided, and one denied refuses the connect before it is made.
     */
    @Test
    void aDenyOnAnAddressStopsANameThatResolvesToIt() {
        answers.put("localhost", List.of("127.0.0.1"));
        try (Listener listener = mechanism.bind(server).listen(Endpoint.tcp("127.0.0.1", 0), OPEN)) {
            int port = listener.endpoint().port();
            client.denied.add("tcp://127.0.0.1:" + port);

            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.tcp("localhost",
                    port)));
            assertThat(client.decided).contains("tcp://localhost:" + port, "tcp://127.0.0.1:" + port);
            assertThat(listener.tryAccept()).isEmpty();

            answers.put("localhost", List.of("127.0.0.2,127.0.0.1")); // any address denied: deny wins
            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.tcp("localhost",
                    port)));
        }
    }

    /**
     * The host is looked up once per connect, and the connection goes to the address that was
     * decided: a resolver that answers an allowed address to the check and a denied one after
     * (DNS rebinding) cannot move the connection.
     */
    @Test
    void theConnectionGoesToTheAddressDecidedNotToASecondAnswer() throws IOException {
        answers.put("localhost", List.of("127.0.0.2", "127.0.0.1"));
        try (Listener allowed = mechanism.bind(server).listen(Endpoint.tcp("127.0.0.2", 0), OPEN)) {
            int port = allowed.endpoint().port();
            client.denied.add("tcp://127.0.0.1:" + port);

            try (Connection c = mechanism.bind(client).connect(Endpoint.tcp("localhost", port));
                    Connection accepted = allowed.accept(WAIT)) {
                assertThat(c.remoteEndpoint()).isEqualTo(Endpoint.tcp("localhost", port));
                assertThat(lookups).containsExactly("localhost");
                c.send(1, new byte[] {42}, 0, 1, 0);
                byte[] in = new byte[4];
                assertThat(accepted.receive(in, 0, 4, new MessageInfo(), WAIT)).isEqualTo(1);
            }
            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.tcp("localhost",
                    port))); // the next lookup answers the denied address, and is decided
        }
    }

    /**
     * {@code db.} is an absolute name: the resolver is asked for {@code db.}, not {@code db}
     * (which it would try in its search domains); rules match it without the dot, and the grant
     * is registered under both texts. Before, the dot was dropped and {@code localhost} was looked up.
     */
    @Test
    void anAbsoluteNameIsLookedUpWithItsFinalDot() {
        answers.put("localhost.", List.of("127.0.0.1"));
        try (Listener listener = mechanism.bind(server).listen(Endpoint.tcp("127.0.0.1", 0), OPEN)) {
            int port = listener.endpoint().port();
            try (Connection c = mechanism.bind(client).connect(Endpoint.parse("tcp://LocalHost.:" + port))) {
                assertThat(c.remoteEndpoint()).hasToString("tcp://localhost.:" + port);
            }
            assertThat(lookups).containsExactly("localhost.");
            assertThat(client.registered).contains("tcp://localhost:" + port, "tcp://127.0.0.1:" + port);

            client.denied.add("tcp://localhost:" + port);
            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.parse(
                    "tcp://localhost.:" + port)));
        }
    }

    /**
     * Plaintext TCP stays on loopback by the address reached, not only by the text: a resolver
     * that answers {@code localhost} with another machine's address gets no plaintext connection
     * or listener there. Before, {@code localhost} passed by its text.
     */
    @Test
    void plaintextStaysOnLoopbackByTheAddressReached() {
        answers.put("localhost", List.of("192.0.2.1"));
        IpcException e = null;
        try {
            mechanism.bind(client).connect(Endpoint.tcp("localhost", 9));
        } catch (IpcException refused) {
            e = refused;
        }
        assertThat(e).isNotNull().hasMessageContaining("192.0.2.1").hasMessageContaining("plaintext");
        assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(server).listen(Endpoint.tcp("localhost", 0),
                OPEN));
    }

    /** A name that resolves to the wildcard address is no target, as the address written is not. */
    @Test
    void aNameThatResolvesToTheWildcardAddressIsNoTarget() {
        answers.put("localhost", List.of("0.0.0.0"));
        assertError(IpcError.INVALID_ARGUMENT, () -> mechanism.bind(client).connect(Endpoint.tcp("localhost", 9)));
    }

    /**
     * A UDP send to a name is decided on each address of its lookup, and goes to the one decided:
     * {@code deny udp://127.0.0.1:PORT} stops a send to {@code udp://localhost:PORT}. Before, only
     * the name was decided.
     */
    @Test
    void aDatagramToANameIsDecidedOnItsAddresses() {
        answers.put("localhost", List.of("127.0.0.1"));
        try (DatagramEndpoint target = mechanism.bind(server).openDatagram(Endpoint.udp("127.0.0.1", 0),
                DatagramOptions.DEFAULTS);
                DatagramEndpoint sender = mechanism.bind(client).openDatagram(Endpoint.udp("127.0.0.1", 0),
                        DatagramOptions.DEFAULTS)) {
            int port = target.localEndpoint().port();
            sender.send(Endpoint.udp("localhost", port), ByteBuffer.wrap("ok".getBytes(UTF_8)));
            assertThat(target.receive(ByteBuffer.allocate(8), WAIT)).isEqualTo(sender.localEndpoint());

            answers.put("localhost", List.of("127.0.0.3"));
            client.denied.add("udp://127.0.0.3:" + port);
            assertError(IpcError.PERMISSION_DENIED, () -> sender.send(Endpoint.udp("localhost", port),
                    ByteBuffer.wrap("secret".getBytes(UTF_8))));
        }
    }

    /**
     * {@code deny * * endpoint:unix:<real>/x.sock} and a connect through a linked folder
     * ({@code /var/run} is {@code /run}) or a link to the socket file: before, the path written
     * was decided alone and the connection reached the socket; now the real path is decided too,
     * and the connection goes to it.
     */
    @Test
    void aRuleOnASocketsRealPathCoversTheLinksToIt() throws IOException {
        Path real = Files.createDirectory(root.resolve("real"));
        Path alias = Files.createSymbolicLink(root.resolve("alias"), real);
        Path linked = Files.createSymbolicLink(root.resolve("linked.sock"), real.resolve("x.sock"));
        try (Listener listener = mechanism.bind(server).listen(Endpoint.unix(real + "/x.sock"), OPEN)) {
            client.denied.add("unix:" + real + "/x.sock");
            for (Path other : List.of(alias.resolve("x.sock"), linked)) {
                assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(
                        Endpoint.unix(other.toString())));
            }
            assertThat(listener.tryAccept()).isEmpty();

            client.denied.clear();
            try (Connection c = mechanism.bind(client).connect(Endpoint.unix(alias + "/x.sock"));
                    Connection accepted = listener.accept(WAIT)) {
                assertThat(c.remoteEndpoint()).isEqualTo(Endpoint.unix(alias + "/x.sock"));
                assertThat(client.registered).contains("unix:" + real + "/x.sock");
            }
        }
    }

    /**
     * A socket file reached through a chain of links whose real path is longer than a path may be
     * (the kernel follows it link by link; {@code toRealPath} cannot name it): refused, where
     * before the path written was decided alone and the connect reached the denied socket.
     */
    @Test
    void aSocketFileWhoseRealPathCannotBeReadIsRefused() throws Exception {
        Path top = Files.createDirectory(root.resolve("deep"));
        String name = "d".repeat(250);
        String chain = "i=0; while [ $i -lt 20 ]; do mkdir " + name + " && ln -s " + name + "/L$((i+1)) L$i && cd -P "
                + name + " || exit 1; i=$((i+1)); done; ln -s " + "../".repeat(20) + "x.sock L20";
        try {
            assertThat(shell(top, chain)).isZero();
            try (Listener listener = mechanism.bind(server).listen(Endpoint.unix(top + "/x.sock"), OPEN)) {
                Path l0 = top.resolve("L0");
                assertThat(Files.exists(l0)).as("the kernel follows the chain").isTrue();
                client.denied.add("unix:" + top + "/x.sock");
                assertError(IpcError.INVALID_ARGUMENT, () -> mechanism.bind(client).connect(
                        Endpoint.unix(l0.toString())));
                assertThat(listener.tryAccept()).isEmpty();
            }
        } finally {
            shell(root, "rm -rf deep"); // deeper than Java's deletes can name
        }
    }

    private static int shell(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        int status = p.waitFor();
        assertThat(status).as(output).isZero();
        return status;
    }

    /** A local address that names no address of this host: INVALID_ARGUMENT, and no socket left open. */
    @Test
    void aLocalAddressThatResolvesToNothingLeavesNoSocketOpen() throws IOException {
        try (Listener listener = mechanism.bind(server).listen(Endpoint.tcp("127.0.0.1", 0), OPEN)) {
            int port = listener.endpoint().port();
            ConnectOptions options = ConnectOptions.DEFAULTS.withLocalAddress("no-such-host.invalid");
            long before = openFiles();
            for (int i = 0; i < 50; i++) {
                assertError(IpcError.INVALID_ARGUMENT, () -> mechanism.bind(client).connect(
                        Endpoint.tcp("127.0.0.1", port), options));
            }
            assertThat(openFiles()).as("descriptors open after 50 refused connects").isLessThan(before + 10);
        }
    }

    private static long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * A link in the IPC root's endpoint folder ({@code unix:evil}, made by this OS user, as a
     * bundle could) to a socket a rule denies: refused, where before the name was decided alone
     * and the link followed to the denied socket.
     */
    @Test
    void aLinkInTheRootsEndpointFolderIsNotFollowed() throws IOException {
        Path outside = Files.createDirectory(root.resolve("outside"));
        try (Listener named = mechanism.bind(server).listen(Endpoint.unix("named"), OPEN);
                Listener denied = mechanism.bind(server).listen(Endpoint.unix(outside + "/x.sock"), OPEN)) {
            Path folder = root.resolve("endpoint");
            assertThat(folder.resolve("named")).exists();
            Files.createSymbolicLink(folder.resolve("evil"), outside.resolve("x.sock"));
            client.denied.add("unix:" + outside + "/x.sock");

            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.unix("evil")));
            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(
                    Endpoint.unix(folder.resolve("evil").toString())));
            assertThat(denied.tryAccept()).isEmpty();
            try (Connection c = mechanism.bind(client).connect(Endpoint.unix("named"));
                    Connection accepted = named.accept(WAIT)) {
                assertThat(c.remoteEndpoint()).isEqualTo(Endpoint.unix("named"));
            }
        }
    }

    /**
     * A hard link to a socket file is a real path of its own, and no name shows the others: a link
     * in the IPC root's endpoint folder ({@code unix:alias}) or elsewhere to a socket a rule denies
     * by its path ({@code unix:admin}, {@code unix:<dir>/x.sock}) is refused, as is the socket by
     * its own name while another name is there. Before, each name was decided alone and the kernel
     * reached the denied socket.
     */
    @Test
    void aHardLinkToASocketIsRefused() throws IOException {
        Path outside = Files.createDirectory(root.resolve("outside"));
        try (Listener admin = mechanism.bind(server).listen(Endpoint.unix("admin"), OPEN);
                Listener denied = mechanism.bind(server).listen(Endpoint.unix(outside + "/x.sock"), OPEN)) {
            Path folder = root.resolve("endpoint");
            List<Path> links = List.of(Files.createLink(folder.resolve("alias"), folder.resolve("admin")),
                    Files.createLink(outside.resolve("admin.sock"), folder.resolve("admin")),
                    Files.createLink(outside.resolve("y.sock"), outside.resolve("x.sock")));
            client.denied.add("unix:admin");
            client.denied.add("unix:" + outside + "/x.sock");

            for (Endpoint e : List.of(Endpoint.unix("alias"), Endpoint.unix(folder + "/alias"),
                    Endpoint.unix(outside + "/admin.sock"), Endpoint.unix(outside + "/y.sock"))) {
                IpcException refused = assertError(IpcError.INVALID_ARGUMENT, () -> mechanism.bind(client).connect(e));
                assertThat(refused).hasMessageContaining("names (hard links)");
            }
            assertThat(admin.tryAccept()).isEmpty();
            assertThat(denied.tryAccept()).isEmpty();

            client.denied.clear();
            assertError(IpcError.INVALID_ARGUMENT, () -> mechanism.bind(client).connect(Endpoint.unix("admin")));
            for (Path link : links) {
                Files.delete(link);
            }
            try (Connection c = mechanism.bind(client).connect(Endpoint.unix("admin"));
                    Connection accepted = admin.accept(WAIT)) {
                assertThat(c.remoteEndpoint()).isEqualTo(Endpoint.unix("admin"));
            }
        }
    }

    /**
     * A listener's socket file renamed keeps one name, which no rule names ({@code mv
     * <root>/endpoint/admin <root>/endpoint/alias}, or to another folder): a client whose target
     * file is one the mechanism's listener bound is decided on that listener's endpoint too, and
     * its grant registered under it. Before, the new name was decided alone and reached the
     * denied listener.
     */
    @Test
    void aRenamedSocketFileIsDecidedOnItsListenersEndpoint() throws IOException {
        Path outside = Files.createDirectory(root.resolve("outside"));
        try (Listener admin = mechanism.bind(server).listen(Endpoint.unix("admin"), OPEN);
                Listener other = mechanism.bind(server).listen(Endpoint.unix(outside + "/x.sock"), OPEN)) {
            Path folder = root.resolve("endpoint");
            Files.move(folder.resolve("admin"), folder.resolve("alias"));
            Files.move(outside.resolve("x.sock"), outside.resolve("moved.sock"));
            client.denied.add("unix:admin");
            client.denied.add("unix:" + outside + "/x.sock");

            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(Endpoint.unix("alias")));
            assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(client).connect(
                    Endpoint.unix(outside + "/moved.sock")));
            assertThat(admin.tryAccept()).isEmpty();
            assertThat(other.tryAccept()).isEmpty();

            client.denied.clear();
            try (Connection c = mechanism.bind(client).connect(Endpoint.unix("alias"));
                    Connection accepted = admin.accept(WAIT)) {
                assertThat(client.registered).contains("unix:admin");
            }
        }
    }

    /**
     * A socket named in the IPC root reached through a link elsewhere: the handle's grant is
     * registered under the socket's name, which a revoke by its name or by its path in the root
     * is read as ({@code AccessPolicy.registeredName}), so revoking it reaches the handle. Before,
     * it was registered under the path, and the revoke missed it.
     */
    @Test
    void revokingARootSocketByNameReachesAHandleThatCameThroughALink() throws IOException {
        Path outside = Files.createDirectory(root.resolve("outside"));
        try (Listener admin = mechanism.bind(server).listen(Endpoint.unix("admin"), OPEN)) {
            Path link = Files.createSymbolicLink(outside.resolve("l.sock"), root.resolve("endpoint").resolve("admin"));
            try (Connection c = mechanism.bind(client).connect(Endpoint.unix(link.toString()));
                    Connection accepted = admin.accept(WAIT)) {
                assertThat(client.revoke("unix:admin")).as("grants revoked by the name").isPositive();
                assertError(IpcError.PERMISSION_DENIED, () -> c.send(1, new byte[] {42}, 0, 1, 0));
                assertThat(client.registered).contains("unix:admin");
            }
        }
    }

    /**
     * A client connects to {@code unix:<dir>/alias/ok.sock} (a linked folder), allowed; between
     * the decision (the last text registered, {@code unix:<dir>/real/ok.sock}) and the connect,
     * someone who may write the folder puts in ok.sock's place a link to {@code denied.sock}, a
     * hard link to it, the denied file renamed, or swaps the folder itself for a link to a folder
     * whose {@code ok.sock} a rule denies. Before, the connect went by path and reached the denied
     * listener; now it goes to the very file decided, held by its descriptor
     * ({@code HeldSocketFile}), which is no longer there: refused, never the denied listener.
     */
    @ParameterizedTest
    @ValueSource(strings = {"link", "hard link", "rename", "folder"})
    void aSwapBetweenTheDecisionAndTheConnectNeverReachesADeniedSocket(String swap) throws IOException {
        assertASwapIsRefused(swap, endpoint -> mechanism.bind(client).connect(endpoint));
    }

    /** The same swap before a remote object's connect: refused, never the denied listener. */
    @Test
    void aSwapBeforeARemoteObjectsConnectNeverReachesADeniedSocket() throws IOException {
        assertASwapIsRefused("link", endpoint -> mechanism.bind(client).openRemoteQueue(endpoint, "q",
                ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(2))));
    }

    /**
     * Listens on {@code real/ok.sock} (allowed) and on a socket a rule denies, makes {@code swap}
     * once the target's real path is registered, opens {@code alias/ok.sock}, and checks that the
     * open was refused as a swap and that the denied listener was not reached.
     */
    private void assertASwapIsRefused(String swap, Function<Endpoint, AutoCloseable> open) throws IOException {
        Path real = Files.createDirectory(root.resolve("real"));
        Path other = Files.createDirectory(root.resolve("other"));
        Path alias = Files.createSymbolicLink(root.resolve("alias"), real);
        Path ok = real.resolve("ok.sock");
        Path denied = swap.equals("folder") ? other.resolve("ok.sock") : real.resolve("denied.sock");
        try (Listener allowed = mechanism.bind(server).listen(Endpoint.unix(ok.toString()), OPEN);
                Listener refused = mechanism.bind(server).listen(Endpoint.unix(denied.toString()), OPEN)) {
            client.denied.add("unix:" + denied);
            client.onRegister.put("unix:" + ok, () -> {
                try {
                    Files.move(ok, root.resolve("ok.old"));
                    switch (swap) {
                        case "link" -> Files.createSymbolicLink(ok, denied);
                        case "hard link" -> Files.createLink(ok, denied);
                        case "rename" -> Files.move(denied, ok);
                        default -> {
                            Files.move(real, root.resolve("real.old"));
                            Files.createSymbolicLink(real, other);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            IpcException e = null;
            try (AutoCloseable handle = open.apply(Endpoint.unix(alias + "/ok.sock"))) {
                assertThat(refused.tryAccept()).as("the denied listener was reached").isEmpty();
            } catch (IpcException refusal) {
                e = refusal;
            } catch (Exception unexpected) {
                throw new AssertionError(unexpected);
            }
            assertThat(client.onRegister).as("the swap was made").isEmpty();
            assertThat(refused.tryAccept()).as("the denied listener was reached").isEmpty();
            assertThat(e).isNotNull().hasMessageContaining("replaced");
            assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED);
            assertThat(allowed.tryAccept()).isEmpty();
        }
    }

    /** A listener on a path through a linked folder is decided on its folder's real path too. */
    @Test
    void aListenerThroughALinkedFolderIsDecidedOnItsRealPath() throws IOException {
        Path real = Files.createDirectory(root.resolve("real"));
        Path alias = Files.createSymbolicLink(root.resolve("alias"), real);
        server.denied.add("unix:" + real + "/x.sock");
        assertError(IpcError.PERMISSION_DENIED, () -> mechanism.bind(server).listen(Endpoint.unix(alias
                + "/x.sock"), OPEN));
        assertThat(Files.exists(real.resolve("x.sock"))).isFalse();
    }

    private static IpcException assertError(IpcError error, Runnable call) {
        try {
            call.run();
        } catch (IpcException e) {
            assertThat(e.error()).as(e.getMessage()).isEqualTo(error);
            return e;
        }
        throw new AssertionError("expected " + error);
    }

    /**
     * This process, denied the endpoint texts the test names; records every text decided and
     * registered, and the grants under each, for a revoke of one text as an operator's.
     */
    private static final class PolicyCaller implements CallerContext {
        private final PosixCaller delegate = new PosixCaller(LocalIdentity.currentProcess(),
                new QuotaLedger("test", Map.of()));
        final Set<String> denied = ConcurrentHashMap.newKeySet();
        final List<String> decided = new CopyOnWriteArrayList<>();
        final List<String> registered = new CopyOnWriteArrayList<>();
        /** What to do once a text is registered (after what it reaches was decided), by text; run once. */
        final Map<String, Runnable> onRegister = new ConcurrentHashMap<>();
        private final Map<String, List<Grant>> grants = new ConcurrentHashMap<>();

        /** Revokes the grants decided or registered under a text; returns how many. */
        int revoke(String text) {
            List<Grant> under = grants.getOrDefault(text, List.of());
            under.forEach(Grant::revoke);
            return under.size();
        }

        private Grant held(String name, Grant grant) {
            grants.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(grant);
            return grant;
        }

        @Override
        public IpcProcess process() {
            return delegate.process();
        }

        @Override
        public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
            decided.add(name);
            if (denied.contains(name)) {
                throw IpcException.permissionDenied("use", type.label() + " '" + name + "'", process().toString());
            }
            return held(name, delegate.authorize(type, name, permissions, requested));
        }

        @Override
        public Grant register(ObjectType type, String name, Grant grant) {
            registered.add(name);
            Runnable then = onRegister.remove(name);
            if (then != null) {
                then.run();
            }
            return held(name, grant);
        }

        @Override
        public void reserve(Quota quota, long amount) {
            delegate.reserve(quota, amount);
        }

        @Override
        public void release(Quota quota, long amount) {
            delegate.release(quota, amount);
        }

        @Override
        public void denied(ObjectType type, String name, String operation) {
        }
    }
}
