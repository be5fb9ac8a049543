package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Another OS user prepares the endpoint directory of an IPC root (a Unix endpoint named in the
 * root has its socket file there): it pre-creates the predictable root, or makes the endpoint
 * directory a link to a folder of its own. A listener must not bind there (whoever owns the
 * folder could then swap its socket file for a link before the listener sets its mode, or put
 * a socket of its own under the name), and a client must not connect there (to the other
 * user's socket). The roots live in a sticky world-writable folder, as {@code /dev/shm} is.
 */
@Timeout(60)
class HostileEndpointDirectoryTest {
    private Path shared;
    private IpcContext context;

    @BeforeEach
    void sharedFolder() throws IOException {
        OtherOsUser.require();
        shared = OtherOsUser.stickyFolder("ipc-ep-");
    }

    @AfterEach
    void clean() throws IOException {
        if (context != null) {
            context.close();
        }
        OtherOsUser.removeStickyFolder(shared);
    }

    private NetService netOn(Path root) {
        context = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        return context.service(NetService.class);
    }

    private static void asPeer(String... command) {
        assertThat(OtherOsUser.run(command)).as(String.join(" ", command)).isZero();
    }

    private static void assertRefused(Runnable call, Path named) {
        IpcException e = catchThrowableOfType(call::run, IpcException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(named.toString());
    }

    @Test
    void aListenerDoesNotBindInARootAnotherUserMade() throws IOException {
        Path root = shared.resolve("root");
        asPeer("mkdir", "-m", "0777", root.toString());
        asPeer("mkdir", "-m", "0777", root.resolve("endpoint").toString());
        NetService net = netOn(root);

        assertRefused(() -> net.listen(Endpoint.unix("svc")).close(), root);
        try (Stream<Path> left = Files.list(root.resolve("endpoint"))) {
            assertThat(left).as("nothing bound in the other user's folder").isEmpty();
        }
    }

    @Test
    void aListenerDoesNotBindThroughALinkedEndpointDirectory() throws IOException {
        Path root = shared.resolve("root");
        Files.createDirectory(root);
        Path theirs = shared.resolve("theirs");
        asPeer("mkdir", "-m", "0777", theirs.toString());
        Files.createSymbolicLink(root.resolve("endpoint"), theirs);
        NetService net = netOn(root);

        assertRefused(() -> net.listen(Endpoint.unix("svc")).close(), root.resolve("endpoint"));
        try (Stream<Path> left = Files.list(theirs)) {
            assertThat(left).as("nothing bound in the link's target").isEmpty();
        }
    }

    @Test
    void anEndpointDirectoryOthersMayWriteIsRefused() throws IOException, InterruptedException {
        Path root = shared.resolve("root");
        Files.createDirectory(root);
        Files.createDirectory(root.resolve("endpoint"));
        assertThat(new ProcessBuilder("chmod", "0777", root.resolve("endpoint").toString()).inheritIO().start()
                .waitFor()).isZero();
        NetService net = netOn(root);

        assertRefused(() -> net.listen(Endpoint.unix("svc")).close(), root.resolve("endpoint"));
    }

    /**
     * The other user listens on the name in a root it made; a client of ours must not reach it.
     * The squatter prints the first bytes of the first connection it accepts: the test's own
     * probe, made after the client's attempt, unless the client connected first.
     */
    @Test
    void aClientDoesNotConnectToASocketAnotherUserPutUnderTheName() throws Exception {
        Path root = shared.resolve("root");
        asPeer("mkdir", "-m", "0755", root.toString());
        asPeer("mkdir", "-m", "0755", root.resolve("endpoint").toString());
        Path socket = root.resolve("endpoint").resolve("svc");
        Process squatter = new ProcessBuilder("runuser", "-u", OtherOsUser.NAME, "--", OtherOsUser.python(), "-c",
                "import socket,sys\n"
                        + "s=socket.socket(socket.AF_UNIX)\n"
                        + "s.bind(sys.argv[1]); s.listen(8)\n"
                        + "print('listening', flush=True)\n"
                        + "s.settimeout(30)\n"
                        + "c,_=s.accept(); c.settimeout(30)\n"
                        + "print('first', c.recv(64).hex(), flush=True)\n",
                socket.toString()).redirectErrorStream(true).start();
        try {
            String ready = new String(squatter.getInputStream().readNBytes("listening\n".length()),
                    StandardCharsets.UTF_8);
            assertThat(ready).isEqualTo("listening\n");
            NetService net = netOn(root);

            assertRefused(() -> net.connect(Endpoint.unix("svc"),
                    ConnectOptions.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(2))).close(), root);

            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(socket));
                probe.write(ByteBuffer.wrap("probe".getBytes(StandardCharsets.US_ASCII)));
                assertThat(squatter.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            String out = new String(squatter.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(out).as("the other user's socket saw only the probe")
                    .isEqualTo("first " + "probe".chars().mapToObj(c -> String.format("%02x", c))
                            .reduce("", String::concat));
        } finally {
            squatter.destroyForcibly();
        }
    }
}
