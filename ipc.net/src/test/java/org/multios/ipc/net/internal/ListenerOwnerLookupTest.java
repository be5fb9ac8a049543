package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.ListenerUsers;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.net.internal.stream.UserLookup;
import org.multios.ipc.spi.OtherOsUser;

/**
 * The users a client may talk to at an absolute Unix path ({@code unix.peer.users}) are looked up
 * when the configuration is applied, never on the reactor thread, which serves every socket: a
 * name service that hangs (LDAP, sssd) stalls no connection. The listener is the other OS user's
 * ({@link OtherOsUser}), so the check cannot stop at "this user".
 */
@Timeout(90)
class ListenerOwnerLookupTest extends NetTestSupport {
    private static final ConnectOptions QUICK = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(3));

    private Path shared;

    @BeforeEach
    void sharedFolder() throws IOException {
        OtherOsUser.require();
        shared = OtherOsUser.stickyFolder("ipc-peer-");
    }

    @AfterEach
    void clean() throws IOException {
        OtherOsUser.removeStickyFolder(shared);
    }

    /**
     * The system's lookup until {@link #hang}: from then on every lookup waits until
     * {@link #answer} (at most 60 s), and the lookup records who asked.
     */
    private static final class HangingLookup implements UserLookup {
        private final CountDownLatch asked = new CountDownLatch(1);
        private final CountDownLatch answered = new CountDownLatch(1);
        private final List<String> askers = new CopyOnWriteArrayList<>();
        private volatile boolean hanging;

        void hang() {
            hanging = true;
        }

        void answer() {
            answered.countDown();
        }

        /** Waits until a lookup hangs. */
        void awaitAsked() throws InterruptedException {
            assertThat(asked.await(30, TimeUnit.SECONDS)).as("a lookup was asked").isTrue();
        }

        /** The threads that asked once it hung. */
        List<String> askers() {
            return askers;
        }

        @Override
        public UserPrincipal self() throws IOException {
            hangIfHanging("this user");
            return UserLookup.SYSTEM.self();
        }

        @Override
        public UserPrincipal user(String nameOrUid) throws IOException {
            hangIfHanging(nameOrUid);
            return UserLookup.SYSTEM.user(nameOrUid);
        }

        private void hangIfHanging(String what) throws IOException {
            if (!hanging) {
                return;
            }
            askers.add(Thread.currentThread().getName());
            asked.countDown();
            try {
                if (!answered.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("the name service did not answer for " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted looking " + what + " up");
            }
        }
    }

    @Test
    void aNameServiceThatHangsStallsNoConnection() throws Exception {
        HangingLookup lookup = new HangingLookup();
        NetService net = context(NetSettings.DEFAULTS.withUnixPeerUsers(ListenerUsers.resolve(Set.of(OtherOsUser.NAME),
                lookup))).service(NetService.class);
        Path socket = shared.resolve("svc.sock");
        Thread configuring = new Thread(() -> ListenerUsers.resolve(Set.of(OtherOsUser.NAME), lookup),
                "configuration applied again");
        try (UnixSquatter squatter = new UnixSquatter(socket);
                Listener listener = net.listen(Endpoint.unix("served"))) {
            lookup.hang();
            configuring.start();
            lookup.awaitAsked(); // the name service hangs from now on

            IpcException e = catchThrowableOfType(() -> net.connect(Endpoint.unix(socket.toString()), QUICK).close(),
                    IpcException.class);
            assertThat(e).as("the allowed user's process never answers the HELLO").isNotNull();
            assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.TIMEOUT);

            try (Connection ours = net.connect(listener.endpoint(), QUICK);
                    Connection theirs = listener.accept(Duration.ofSeconds(10))) {
                assertCarriesAFrame(ours, theirs);
            }
            assertThat(squatter.got()).as("the HELLO reached the allowed user's process").isNotEmpty();
            assertThat(lookup.askers()).as("who looked users up while the name service hung")
                    .containsExactly("configuration applied again");
        } finally {
            lookup.answer();
            configuring.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(reactorFaults()).isZero();
    }

    /**
     * A configured name that names no user when the configuration is applied (a user added later,
     * a typing error) allows nobody until it is applied again, and the refusal says so.
     */
    @Test
    void aNameThatNamedNoUserWhenTheConfigurationWasAppliedAllowsNobody() throws Exception {
        UserLookup notYet = new UserLookup() {
            @Override
            public UserPrincipal self() throws IOException {
                return UserLookup.SYSTEM.self();
            }

            @Override
            public UserPrincipal user(String nameOrUid) throws IOException {
                if (nameOrUid.equals(OtherOsUser.NAME)) {
                    throw new java.nio.file.attribute.UserPrincipalNotFoundException(nameOrUid);
                }
                return UserLookup.SYSTEM.user(nameOrUid);
            }
        };
        NetService net = context(NetSettings.DEFAULTS.withUnixPeerUsers(ListenerUsers.resolve(Set.of(OtherOsUser.NAME),
                notYet))).service(NetService.class);
        Path socket = shared.resolve("svc.sock");
        try (UnixSquatter squatter = new UnixSquatter(socket)) {
            IpcException e = catchThrowableOfType(() -> net.connect(Endpoint.unix(socket.toString()), QUICK).close(),
                    IpcException.class);

            assertThat(e).as("refused").isNotNull();
            assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains(socket.toString()).contains("runs as " + OtherOsUser.NAME)
                    .contains("unix.peer.users names " + OtherOsUser.NAME
                            + ", which named no user when the configuration was applied");
            assertThat(squatter.got()).as("nothing was sent to the other user's process").isEmpty();
        }
    }
}
