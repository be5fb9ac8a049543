package org.multios.ipc.channels.pipe;

import org.multios.ipc.pipe.Pipe;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;

/** The two ends of a new unnamed pipe, as handed to its creator. */
final class PipeEnds implements Pipe {
    private final long id;
    private final UnnamedReader reader;
    private final UnnamedWriter writer;

    PipeEnds(long id, UnnamedReader reader, UnnamedWriter writer) {
        this.id = id;
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public PipeReader reader() {
        return reader;
    }

    @Override
    public PipeWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            reader.close();
        }
    }

    @Override
    public String toString() {
        return "unnamed pipe #" + id;
    }
}
