package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.spi.OtherOsUser;

/**
 * A listener of the other OS user ({@link OtherOsUser}) on a Unix socket: it takes one connection
 * and prints, in hex, everything it carried until its end.
 */
final class UnixSquatter implements AutoCloseable {
    private final Process process;

    /** Starts the listener on {@code socket} and waits until it listens. */
    UnixSquatter(Path socket) throws IOException {
        process = new ProcessBuilder("runuser", "-u", OtherOsUser.NAME, "--", OtherOsUser.python(), "-c",
                "import socket,sys\n"
                        + "s=socket.socket(socket.AF_UNIX)\n"
                        + "s.bind(sys.argv[1]); s.listen(8)\n"
                        + "print('listening', flush=True)\n"
                        + "s.settimeout(30)\n"
                        + "c,_=s.accept(); c.settimeout(30)\n"
                        + "got=b''\n"
                        + "while True:\n"
                        + "    b=c.recv(4096)\n"
                        + "    if not b: break\n"
                        + "    got+=b\n"
                        + "print('got', got.hex(), flush=True)\n",
                socket.toString()).redirectErrorStream(true).start();
        String ready = new String(process.getInputStream().readNBytes("listening\n".length()), StandardCharsets.UTF_8);
        assertThat(ready).isEqualTo("listening\n");
    }

    /** What its first connection carried, in hex, once it ended. */
    String got() throws Exception {
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("the squatter ended").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(out).startsWith("got");
        return out.substring("got".length()).strip();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
