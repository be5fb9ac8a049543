package org.multios.ipc.channels.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeWriter;

/** Pipe ends as unbuffered {@link InputStream} and {@link OutputStream}. */
final class EndStreams {
    private EndStreams() {
    }

    static IOException io(IpcException e) {
        if (e.error() == IpcError.INTERRUPTED) {
            InterruptedIOException i = new InterruptedIOException(e.getMessage());
            i.initCause(e);
            return i;
        }
        return new IOException(e.getMessage(), e);
    }

    /** Blocking reads of a reader; -1 at end of stream. */
    static final class Input extends InputStream {
        private final PipeReader reader;

        Input(PipeReader reader) {
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return reader.read(b, off, len);
            } catch (IpcException e) {
                throw io(e);
            }
        }

        @Override
        public int available() throws IOException {
            try {
                return reader.available();
            } catch (IpcException e) {
                throw io(e);
            }
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** Blocking writes of a writer; flush does nothing. */
    static final class Output extends OutputStream {
        private final PipeWriter writer;

        Output(PipeWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                writer.write(b, off, len);
            } catch (IpcException e) {
                throw io(e);
            }
        }

        @Override
        public void close() {
            writer.close();
        }
    }
}
