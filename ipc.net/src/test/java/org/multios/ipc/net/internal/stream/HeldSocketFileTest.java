package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;

/**
 * A socket file held by its descriptor is reached through it, whatever its path names by the
 * connect; and a real path decided must still name the file held.
 */
@Timeout(30)
class HeldSocketFileTest {
    @TempDir
    Path dir;

    /**
     * The file decided is held, then its path is swapped for a link to another socket: a connect
     * to the held address reaches the file held (the kernel resolves {@code /proc/self/fd/<n>} to
     * that very file), not the other socket; once closed, the descriptor no longer names it.
     */
    @Test
    void aConnectThroughTheHeldFileReachesItWhateverItsPathNamesNow() throws IOException {
        Path ok = dir.resolve("ok.sock");
        Path other = dir.resolve("other.sock");
        try (ServerSocketChannel okServer = listen(ok); ServerSocketChannel otherServer = listen(other)) {
            Endpoint endpoint = Endpoint.unix(ok.toString());
            Reach reach = Reach.unixPath(endpoint, false, e -> e, new SocketFiles());
            assertThat(reach.file()).isNotNull();
            try (HeldSocketFile held = HeldSocketFile.connecting(reach)) {
                Files.move(ok, dir.resolve("ok.old"));
                Files.createSymbolicLink(ok, other);
                try (SocketChannel client = SocketChannel.open(held.address())) {
                    assertThat(otherServer.accept()).as("the socket the path names now").isNull();
                    assertThat(okServer.accept()).as("the socket held").isNotNull();
                }
            }
            IpcException swapped = (IpcException) catchIpc(() -> HeldSocketFile.connecting(reach));
            assertThat(swapped.error()).isEqualTo(IpcError.PERMISSION_DENIED);
            assertThat(swapped).hasMessageContaining("replaced by a link").hasMessageContaining(endpoint.toString());
        }
    }

    /**
     * A real path read, then its folder swapped for a link before the file is held: the file held
     * is at another path, refused (the swap is simulated by giving a path through a link as the
     * real path).
     */
    @Test
    void aRealPathThatNoLongerNamesTheFileHeldIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
        try (ServerSocketChannel server = listen(real.resolve("x.sock"))) {
            Endpoint endpoint = Endpoint.unix(alias + "/x.sock");
            assertThatThrownBy(() -> Reach.requireOneName(alias.resolve("x.sock"), endpoint, true))
                    .isInstanceOfSatisfying(IpcException.class, e -> {
                        assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT);
                        assertThat(e).hasMessageContaining("moved while it was decided")
                                .hasMessageContaining(real.resolve("x.sock").toString());
                    });
            assertThat(Reach.requireOneName(real.resolve("x.sock"), endpoint, true)).isNotNull();
            assertThat(Reach.requireOneName(alias.resolve("x.sock"), endpoint, false)).as("a name in the root")
                    .isNotNull();
        }
    }

    /** Nothing was there when decided, or nothing is there now: NOT_FOUND, as a connect by path. */
    @Test
    void nothingThereIsNotFound() throws IOException {
        Path ok = dir.resolve("ok.sock");
        Endpoint endpoint = Endpoint.unix(ok.toString());
        Reach none = Reach.unixPath(endpoint, false, e -> e, new SocketFiles());
        assertThat(none.file()).isNull();
        try (ServerSocketChannel server = listen(ok)) {
            assertThat(((IpcException) catchIpc(() -> HeldSocketFile.connecting(none))).error())
                    .as("a file made after the decision").isEqualTo(IpcError.NOT_FOUND);
            Reach decided = Reach.unixPath(endpoint, false, e -> e, new SocketFiles());
            Files.delete(ok);
            assertThat(((IpcException) catchIpc(() -> HeldSocketFile.connecting(decided))).error())
                    .isEqualTo(IpcError.NOT_FOUND);
        }
    }

    private static ServerSocketChannel listen(Path file) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(file));
        server.configureBlocking(false);
        return server;
    }

    private static Throwable catchIpc(Runnable call) {
        try {
            call.run();
        } catch (IpcException e) {
            return e;
        }
        throw new AssertionError("expected an IpcException");
    }
}
