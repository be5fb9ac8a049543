package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.Priority;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;

/**
 * Channel communication (the original {@code example_channel_communication}): a server holds
 * end A of a named channel and answers requests; a client opens end B by name, sends three
 * requests and reads the replies. The two sides could as well be two bundles or two processes.
 */
public final class ChannelExample implements Example {
    private static final int REQUESTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "channel";
    }

    @Override
    public String describe() {
        return "request/reply over a named channel: a server on end A, a client on end B";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        ChannelService channels = services.channels();
        String name = Names.unique("echo");
        // 4 KiB per direction, messages up to 256 bytes, only this user may open it.
        ChannelOptions options = ChannelOptions.ofBufferSize(4096).withMaxMessageSize(256).withMode(0600);
        ChannelEnd server = channels.create(name, options);
        try (server; Background threads = new Background(name())) {
            out.println("server: created channel '" + name + "', serving on end A");
            Future<Integer> served = threads.start("server", () -> serve(server));

            try (ChannelEnd client = channels.open(name, ChannelSide.B)) {
                byte[] reply = new byte[256];
                MessageInfo info = new MessageInfo();
                for (int i = 1; i <= REQUESTS; i++) {
                    byte[] request = ("ping " + i).getBytes(UTF_8);
                    client.send(request, 0, request.length, Priority.DEFAULT);
                    int n = client.receive(reply, 0, reply.length, info, WAIT);
                    out.println("client: sent 'ping " + i + "', got '" + new String(reply, 0, n, UTF_8) + "'");
                }
            }
            out.println("server: answered " + served.get(10, TimeUnit.SECONDS) + " requests");
        } finally {
            channels.unlink(name);
        }
    }

    /** The server: answers each request with "pong" and the request's text. */
    private static int serve(ChannelEnd end) {
        byte[] buf = new byte[256];
        MessageInfo info = new MessageInfo();
        for (int i = 0; i < REQUESTS; i++) {
            int n = end.receive(buf, 0, buf.length, info, WAIT);
            String request = new String(buf, 0, n, UTF_8);
            byte[] reply = request.replace("ping", "pong").getBytes(UTF_8);
            end.send(reply, 0, reply.length, info.priority());
        }
        return REQUESTS;
    }
}
