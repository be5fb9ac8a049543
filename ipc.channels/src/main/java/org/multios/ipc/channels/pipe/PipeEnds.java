package org.multios.ipc.channels.pipe;

import org.multios.ipc.pipe.Pipe;

/** The two ends of a new unnamed pipe, as handed to its creator. */
record PipeEnds(long id, UnnamedReader reader, UnnamedWriter writer) implements Pipe {
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
