package org.multios.ipc.bench.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.bench.Frames;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.net.FrameType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Round trips of a {@value #SIZE}-byte frame over a socket between two threads of one
 * process: the benchmark thread sends and waits for the frame to come back from an echo thread
 * owned by the trial on the other end of the connection. One operation is one round trip;
 * sampled, so JMH reports percentiles. {@code transport} is loopback TCP or a Unix-domain
 * socket, or loopback TCP in TLS 1.3 ({@code tls}: a self-signed certificate made for the trial,
 * pinned by the client).
 *
 * <p>Project: an ipc.net {@link org.multios.ipc.net.Connection} (frame type 0, priority 0),
 * both ends from one context. Peer in the same run, on the same transport: a blocking JDK
 * {@link SocketChannel} pair (TCP with {@code TCP_NODELAY}; for {@code tls} a JDK
 * {@link javax.net.ssl.SSLSocket} pair in TLS 1.3) carrying the same bytes with a
 * 4-byte length prefix ({@link Frames}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NetRoundTrip {
    /** Bytes of each frame. */
    static final int SIZE = 64;
    /** How long a reply may take before the echo is declared dead. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);

    /** An ipc.net connection with an echo thread on its accepted end. */
    public static class NetEcho extends NetFixture.NetTrial {
        NetFixture.NetPair pair;
        final byte[] out = new byte[SIZE];
        final byte[] in = new byte[SIZE];
        final MessageInfo info = new MessageInfo();

        @Override
        protected void open(Trial t) {
            pair = t.own(NetFixture.NetPair.open(t.root(), transport));
            byte[] buf = new byte[SIZE];
            MessageInfo echoInfo = new MessageInfo();
            loop = pair.startLoop(t, "net-" + transport + "-echo", () -> {
                int type = pair.server.receive(buf, 0, buf.length, echoInfo);
                pair.server.send(type, buf, 0, echoInfo.length(), echoInfo.priority());
                return true;
            });
        }

        int roundTrip() {
            try {
                pair.client.send(FrameType.DEFAULT, out, 0, SIZE, 0);
                pair.client.receive(in, 0, SIZE, info, REPLY_BOUND);
                return info.length();
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }
    }

    /** A blocking JDK socket pair with an echo thread on its accepted end. */
    public static class JdkEcho extends NetFixture.NetTrial {
        Frames.Writer writer;
        Frames.Reader reader;
        final byte[] out = new byte[SIZE];
        final byte[] in = new byte[SIZE];

        @Override
        protected void open(Trial t) throws IOException {
            NetFixture.JdkPair ends = new NetFixture.JdkPair(t, transport);
            writer = new Frames.Writer(ends.client, SIZE);
            reader = new Frames.Reader(ends.client);
            Frames.Writer echoWriter = new Frames.Writer(ends.server, SIZE);
            Frames.Reader echoReader = new Frames.Reader(ends.server);
            byte[] buf = new byte[SIZE];
            loop = ends.startLoop(t, "jdk-" + transport + "-echo", () -> {
                int n = echoReader.read(buf);
                if (n < 0) {
                    return false;
                }
                echoWriter.write(buf, 0, n);
                return true;
            });
        }

        int roundTrip() {
            try {
                writer.write(out, 0, SIZE);
                int n = reader.read(in);
                if (n != SIZE) {
                    throw new IOException("echo of " + n + " bytes for " + SIZE);
                }
                return n;
            } catch (IOException e) {
                throw loop.failed(e);
            }
        }
    }

    /** Project: one frame to the echo and back over an ipc.net connection. */
    @Benchmark
    public int ipcNet(NetEcho s) {
        return s.roundTrip();
    }

    /** Peer: the same bytes, length-prefixed, to the echo and back over a blocking JDK socket. */
    @Benchmark
    public int jdkSocket(JdkEcho s) {
        return s.roundTrip();
    }
}
