package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.local.LocalIdentity;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Another OS user binds the name of a Unix socket at an absolute path in a sticky folder (as
 * {@code /tmp}) before our listener does: a client of ours must get PERMISSION_DENIED and send
 * it nothing, unless the operator allows that user ({@code unix.peer.users}). The squatter
 * prints, in hex, everything its first connection carried until its end.
 */
@Timeout(60)
class HostileUnixListenerTest extends NetTestSupport {
    private static final ConnectOptions QUICK = ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(3));

    private Path shared;
    private UnixSquatter squatter;

    @BeforeEach
    void sharedFolder() throws IOException {
        OtherOsUser.require();
        shared = OtherOsUser.stickyFolder("ipc-peer-");
    }

    @AfterEach
    void clean() throws IOException {
        if (squatter != null) {
            squatter.close();
        }
        OtherOsUser.removeStickyFolder(shared);
    }

    /** Starts the other user's listener on {@code socket} and waits until it listens. */
    private void squat(Path socket) throws IOException {
        squatter = new UnixSquatter(socket);
    }

    /** What the squatter's first connection carried, in hex, once it ended. */
    private String squatterGot() throws Exception {
        return squatter.got();
    }

    @Test
    void aClientDoesNotTalkToAnotherUsersListenerAtAnAbsolutePath() throws Exception {
        Path socket = shared.resolve("svc.sock");
        squat(socket);
        NetService net = net();

        IpcException e = catchThrowableOfType(() -> net.connect(Endpoint.unix(socket.toString()), QUICK).close(),
                IpcException.class);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(socket.toString()).contains(OtherOsUser.NAME).contains("unix.peer.users");
        assertThat(squatterGot()).as("nothing was sent to the other user's process").isEmpty();
    }

    @Test
    void aUserTheOperatorAllowsIsTalkedTo() throws Exception {
        Path socket = shared.resolve("svc.sock");
        squat(socket);
        NetService net = context(NetSettings.DEFAULTS.withUnixPeerUsers(Set.of(OtherOsUser.NAME)))
                .service(NetService.class);

        IpcException e = catchThrowableOfType(() -> net.connect(Endpoint.unix(socket.toString()), QUICK).close(),
                IpcException.class);

        assertThat(e).as("the squatter never answers the HELLO").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.TIMEOUT);
        assertThat(squatterGot()).as("the HELLO reached the allowed user's process").isNotEmpty();
    }

    @Test
    void aUserTheOperatorAllowsByUidIsTalkedToThoughTheUidHasAName() throws Exception {
        Path socket = shared.resolve("svc.sock");
        squat(socket);
        // the socket file the other user's bind made is that user's
        String uid = String.valueOf(Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        NetService net = context(NetSettings.DEFAULTS.withUnixPeerUsers(Set.of(uid))).service(NetService.class);

        IpcException e = catchThrowableOfType(() -> net.connect(Endpoint.unix(socket.toString()), QUICK).close(),
                IpcException.class);

        assertThat(e).as("the squatter never answers the HELLO").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.TIMEOUT);
        assertThat(squatterGot()).as("the HELLO reached the process of the allowed uid " + uid).isNotEmpty();
    }

    @Test
    void ourOwnListenerInTheStickyFolderIsReached() throws Exception {
        NetService net = net();
        Endpoint endpoint = Endpoint.unix(shared.resolve("svc.sock").toString());
        try (Listener listener = net.listen(endpoint); Connection c = net.connect(endpoint, QUICK)) {
            assertThat(c.peer().user()).isEqualTo(LocalIdentity.user());
            assertThat(listener.endpoint()).isEqualTo(endpoint);
        }
    }
}
