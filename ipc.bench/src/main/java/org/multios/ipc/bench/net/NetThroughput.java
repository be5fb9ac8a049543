package org.multios.ipc.bench.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
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
 * One-way streaming of {@value #SIZE}-byte frames over a socket between two threads of one
 * process: the benchmark thread sends with blocking calls, and a receiver thread owned by the
 * trial takes each frame with blocking calls, checking its length. One operation is one frame
 * sent; flow control keeps the sender within the connection's buffers of the receiver, so the
 * rate is that of the pair. MB/s is operations per second times {@value #SIZE} bytes.
 * {@code transport} is loopback TCP, loopback TCP in TLS 1.3 ({@code tls}: a self-signed
 * certificate made for the trial, pinned by the client) or a Unix-domain socket.
 *
 * <p>Project: an ipc.net {@link org.multios.ipc.net.Connection} with its default buffers
 * (frame type 0, priority 0). Peer in the same run, on the same transport: a blocking JDK
 * {@link SocketChannel} pair (TCP with {@code TCP_NODELAY}; for {@code tls} a JDK
 * {@link javax.net.ssl.SSLSocket} pair in TLS 1.3), each frame with a 4-byte length
 * prefix written with one call and read through a 64 KiB buffer ({@link Frames}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NetThroughput {
    /** Bytes of each frame. */
    static final int SIZE = 4096;

    /** An ipc.net connection with a receiver thread on its accepted end. */
    public static class NetStream extends NetFixture.NetTrial {
        NetFixture.NetPair pair;
        final byte[] message = new byte[SIZE];

        @Override
        protected void open(Trial t) {
            pair = t.own(NetFixture.NetPair.open(t.root(), transport));
            byte[] in = new byte[SIZE];
            MessageInfo info = new MessageInfo();
            loop = pair.startLoop(t, "net-" + transport + "-throughput-receiver", () -> {
                pair.server.receive(in, 0, in.length, info);
                return received(info.length());
            });
        }

        void send() {
            try {
                pair.client.send(FrameType.DEFAULT, message, 0, SIZE, 0);
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }
    }

    /** A blocking JDK socket pair with a receiver thread on its accepted end. */
    public static class JdkStream extends NetFixture.NetTrial {
        Frames.Writer writer;
        final byte[] message = new byte[SIZE];

        @Override
        protected void open(Trial t) throws IOException {
            NetFixture.JdkPair ends = new NetFixture.JdkPair(t, transport);
            writer = new Frames.Writer(ends.client, SIZE);
            Frames.Reader reader = new Frames.Reader(ends.server);
            byte[] in = new byte[SIZE];
            loop = ends.startLoop(t, "jdk-" + transport + "-throughput-receiver", () -> {
                int n = reader.read(in);
                return n >= 0 && received(n);
            });
        }

        void send() {
            try {
                writer.write(message, 0, SIZE);
            } catch (IOException e) {
                throw loop.failed(e);
            }
        }
    }

    /** Checks the length of a frame the receiver took: every frame sent has {@value #SIZE} bytes. */
    static boolean received(int length) {
        if (length != SIZE) {
            throw new IllegalStateException("received " + length + " bytes, sent " + SIZE);
        }
        return true;
    }

    /** Project: one 4 KiB frame into an ipc.net connection, drained by the receiver thread. */
    @Benchmark
    public void ipcNet(NetStream s) {
        s.send();
    }

    /** Peer: one length-prefixed 4 KiB message into a blocking JDK socket, drained by the receiver thread. */
    @Benchmark
    public void jdkSocket(JdkStream s) {
        s.send();
    }
}
