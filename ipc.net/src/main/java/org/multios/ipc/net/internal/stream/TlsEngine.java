package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A JDK {@link SSLEngine} between a socket channel and three buffers: TLS records read from the
 * socket and not unwrapped yet ({@link #netIn}), bytes unwrapped and not taken yet
 * ({@link #appIn}), records wrapped and not written yet. The engine's delegated tasks
 * (certificate checks, key exchange) run on an executor, never in the reactor thread. Never
 * waits.
 */
final class TlsEngine {
    /** Nothing to wrap: the engine's own records. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    final SocketChannel channel;
    /** Records read from the socket, in write mode. */
    final ByteBuffer netIn;
    /** Bytes unwrapped, in write mode. */
    final ByteBuffer appIn;
    private final ByteBuffer netOut;
    private final Executor tasks;
    private volatile Runnable resume = () -> {
    };
    private volatile boolean taskRunning;

    TlsEngine(SSLEngine engine, SocketChannel channel, Executor tasks) {
        this.engine = engine;
        this.channel = channel;
        this.tasks = tasks;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocateDirect(packet).flip();
    }

    /** @param resume runs (in any thread) when a delegated task finished */
    void onTaskDone(Runnable resume) {
        this.resume = resume;
    }

    /** Whether a delegated task is running. */
    boolean taskRunning() {
        return taskRunning;
    }

    /** Reads what the socket has into {@link #netIn}: the bytes read, -1 at the end of the stream. */
    int readNet() throws IOException {
        return channel.read(netIn);
    }

    /** Unwraps what {@link #netIn} holds into {@link #appIn}. */
    SSLEngineResult unwrap() throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    /** Wraps {@code src} ({@link #EMPTY}: the engine's own records) into records to write. */
    SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        netOut.compact();
        try {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
                throw new SSLException("the TLS session is closed");
            }
            return r;
        } finally {
            netOut.flip();
        }
    }

    /** Writes the pending records; true if none is left. */
    boolean flushNet() throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    /** Whether wrapped records wait to be written. */
    boolean hasRecordsToWrite() {
        return netOut.hasRemaining();
    }

    /** Runs the engine's delegated tasks on the executor; the resume action runs when they are done. */
    void runTasks() {
        taskRunning = true;
        try {
            tasks.execute(() -> {
                try {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                } finally {
                    taskRunning = false;
                    resume.run();
                }
            });
        } catch (RejectedExecutionException stopped) {
            taskRunning = false; // the mechanism stops: the handshake times out
        }
    }
}
