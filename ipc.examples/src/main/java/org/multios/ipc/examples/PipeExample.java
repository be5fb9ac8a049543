package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;

/**
 * Pipe communication (the original {@code example_pipe_communication}): a writer thread sends
 * lines through an unnamed pipe and closes its end; the reader reads them as a stream up to
 * the end. Then a named pipe, a real FIFO in the IPC root that shell tools could also open,
 * carries one message between two ends opened by name.
 */
public final class PipeExample implements Example {
    static final int LINES = 3;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "pipe";
    }

    @Override
    public String describe() {
        return "a byte stream through an unnamed pipe between two threads, then through a named FIFO";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        PipeService pipes = services.pipes();

        // 1. An unnamed pipe: the writer's end goes to another thread.
        try (Pipe pipe = pipes.create(1024, Set.of()); Background threads = new Background(name())) {
            Future<?> writer = threads.start("writer", () -> {
                try (Writer w = new OutputStreamWriter(pipe.writer().asOutputStream(), UTF_8)) {
                    for (int i = 1; i <= LINES; i++) {
                        w.write("line " + i + "\n");
                    }
                } // closing the writer's end makes the reader see the end of the stream
                return null;
            });
            BufferedReader reader = new BufferedReader(new InputStreamReader(pipe.reader().asInputStream(), UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                out.println("unnamed pipe: read '" + line + "'");
            }
            writer.get(10, TimeUnit.SECONDS);
            out.println("unnamed pipe: end of stream");
        }

        // 2. A named pipe (FIFO): both ends opened by name, as two programs would.
        String name = Names.unique("fifo");
        pipes.createNamed(name, 0600);
        try (PipeReader reader = pipes.openReader(name); PipeWriter writer = pipes.openWriter(name)) {
            byte[] message = "hello through a FIFO".getBytes(UTF_8);
            writer.write(message, 0, message.length);
            byte[] buf = new byte[64];
            int n = reader.read(buf, 0, buf.length, WAIT);
            out.println("named pipe '" + name + "': read '" + new String(buf, 0, n, UTF_8) + "'");
        } finally {
            pipes.unlink(name);
        }
    }
}
