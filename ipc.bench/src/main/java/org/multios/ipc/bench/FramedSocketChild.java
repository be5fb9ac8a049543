package org.multios.ipc.bench;

import java.io.IOException;
import java.util.List;

/**
 * The socket peer of a cross-process message round trip, as a JMH state: a blocking
 * Unix-domain socket to a child JVM ({@link SocketEcho}, mode {@code socket <path> <size>}) that
 * writes back every message, each carried with a 4-byte length prefix ({@link Frames}). A
 * benchmark's state extends it, naming the child's main class.
 */
public abstract class FramedSocketChild extends TrialState {
    private final Class<?> main;
    private final List<String> jvmOptions;
    private final int size;
    private final byte[] out;
    private final byte[] in;
    private SocketEcho echo;
    private Frames.Writer writer;
    private Frames.Reader reader;

    /** Messages of {@code size} bytes echoed by {@code main}, started with {@code jvmOptions}. */
    protected FramedSocketChild(Class<?> main, List<String> jvmOptions, int size) {
        this.main = main;
        this.jvmOptions = jvmOptions;
        this.size = size;
        this.out = new byte[size];
        this.in = new byte[size];
    }

    /** Starts the child, connects, and bounces messages for {@link ChildJvm#SETTLE_NANOS}. */
    @Override
    protected void open(Trial t) throws IOException {
        echo = t.own(SocketEcho.start(t.root(), main, jvmOptions, "socket", Integer.toString(size)));
        writer = new Frames.Writer(echo.channel(), size);
        reader = new Frames.Reader(echo.channel());
        ChildJvm.settle(this::roundTrip);
    }

    /** Sends one message and reads its echo. */
    public int roundTrip() {
        try {
            writer.write(out, 0, size);
            int n = reader.read(in);
            if (n != size) {
                throw new IOException("echo of " + n + " bytes for " + size);
            }
            return n;
        } catch (IOException e) {
            throw echo.failure(e);
        }
    }

    /** Ends the child and removes the trial's root. */}
