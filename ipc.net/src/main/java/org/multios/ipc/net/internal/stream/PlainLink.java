package org.multios.ipc.net.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** The bytes of a {@link FramedSocket} as they are: Unix sockets, and TCP where TLS is not spoken. */
final class PlainLink implements SocketLink {
    private final SocketChannel channel;

    PlainLink(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean wantsWrite() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }
}
