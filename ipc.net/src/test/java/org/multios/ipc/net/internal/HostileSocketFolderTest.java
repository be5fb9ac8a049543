package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.OtherOsUser;

/**
 * Another OS user attacks a listener's Unix socket file at an absolute path: a folder it may
 * write without a sticky bit (where it could swap the socket file for a link before its chmod,
 * or put its own file under the name), a folder of its own, a stale socket of its own under the
 * name, and a file of its own put under the name after ours went, which the listener's close
 * must not delete. The tests run as root, which may unlink and chmod any file, so only the
 * listener's own checks protect the other user's files.
 */
@Timeout(60)
class HostileSocketFolderTest {
    private Path shared;
    private IpcContext context;

    @BeforeEach
    void sharedFolder() throws IOException {
        OtherOsUser.require();
        shared = OtherOsUser.stickyFolder("ipc-sock-");
    }

    @AfterEach
    void clean() throws IOException {
        if (context != null) {
            context.close();
        }
        OtherOsUser.removeStickyFolder(shared);
    }

    private NetService net() {
        context = Ipc.open(new IpcEnvironment(shared.resolve("root"), IpcLimits.defaults()));
        return context.service(NetService.class);
    }

    private static void asPeer(String... command) {
        assertThat(OtherOsUser.run(command)).as(String.join(" ", command)).isZero();
    }

    private static IpcException refusal(Runnable call) {
        IpcException e = catchThrowableOfType(call::run, IpcException.class);
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    private static void chmod(String mode, Path p) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start().waitFor()).isZero();
    }

    @Test
    void aListenerDoesNotBindInAFolderOthersMayWriteWithoutTheStickyBit() throws Exception {
        Path open = Files.createDirectory(shared.resolve("open"));
        chmod("0777", open);
        NetService net = net();

        IpcException e = refusal(() -> net.listen(Endpoint.unix(open.resolve("svc.sock").toString())).close());

        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(open.toString()).contains("sticky");
        try (Stream<Path> left = Files.list(open)) {
            assertThat(left).as("nothing bound there").isEmpty();
        }
    }

    @Test
    void aListenerDoesNotBindInAnotherUsersFolder() throws Exception {
        Path theirs = shared.resolve("theirs");
        asPeer("mkdir", "-m", "0755", theirs.toString());
        NetService net = net();

        IpcException e = refusal(() -> net.listen(Endpoint.unix(theirs.resolve("svc.sock").toString())).close());

        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains(theirs.toString()).contains(OtherOsUser.NAME);
        try (Stream<Path> left = Files.list(theirs)) {
            assertThat(left).as("nothing bound there").isEmpty();
        }
    }

    @Test
    void aListenerDoesNotBindBelowAFolderOthersMayWrite() throws Exception {
        Path open = Files.createDirectory(shared.resolve("open"));
        Path mine = Files.createDirectory(open.resolve("mine"));
        chmod("0777", open);
        NetService net = net();

        IpcException e = refusal(() -> net.listen(Endpoint.unix(mine.resolve("svc.sock").toString())).close());

        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("the folder " + open + " ");
    }

    @Test
    void aStaleSocketOfAnotherUserIsNotRemoved() throws Exception {
        Path socket = shared.resolve("svc.sock");
        asPeer(OtherOsUser.python(), "-c", "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\n",
                socket.toString());
        assertThat(Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo(OtherOsUser.NAME);
        NetService net = net();

        IpcException e = refusal(() -> net.listen(Endpoint.unix(socket.toString())).close());

        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.ALREADY_EXISTS);
        assertThat(Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS).getName()).as("their socket is still there")
                .isEqualTo(OtherOsUser.NAME);
    }

    @Test
    void closingLeavesAFileThatReplacedOurSocket() throws Exception {
        Path socket = shared.resolve("svc.sock");
        NetService net = net();
        Listener listener = net.listen(Endpoint.unix(socket.toString()));
        assertThat(Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0140600);
        Files.delete(socket); // a cleaner of old files in the shared folder
        asPeer(OtherOsUser.python(), "-c", "import sys\nopen(sys.argv[1],'w').write('theirs')\n", socket.toString());

        listener.close();

        assertThat(Files.readString(socket, StandardCharsets.UTF_8)).as("the other user's file is left")
                .isEqualTo("theirs");
    }

    @Test
    void aListenerInAStickyFolderBindsAndRemovesItsSocketAtClose() throws Exception {
        Path socket = shared.resolve("svc.sock");
        NetService net = net();
        Listener listener = net.listen(Endpoint.unix(socket.toString()));
        assertThat(Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0140600);

        listener.close();

        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
