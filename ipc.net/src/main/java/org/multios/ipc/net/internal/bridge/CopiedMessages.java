package org.multios.ipc.net.internal.bridge;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.MutableMessageBuffer;

/**
 * The in-place operations of a port behind a bridge, where nothing is in place: a claim is a
 * buffer of this thread sent by a blocking send at commit (the bridge cannot reserve room ahead),
 * a drain receives each message into a buffer of this thread and hands a view of it. Each thread
 * has one of each per port, sized for the port's largest message. They hold the port weakly
 * (static classes, a weak reference), so that a thread-local value never keeps its key reachable.
 */
final class CopiedMessages {
    private final MessagePort port;
    private final String what;
    private final ThreadLocal<Claim> claims;
    private final ThreadLocal<View> views;

    CopiedMessages(MessagePort port, int maxMessageSize, String what) {
        this.port = port;
        this.what = what;
        this.claims = ThreadLocal.withInitial(() -> new Claim(new byte[maxMessageSize], port, what));
        this.views = ThreadLocal.withInitial(() -> new View(new byte[maxMessageSize], what));
    }

    /** Opens this thread's claim once the port checked the arguments and its rights. */
    MessageClaim claim(int length, int priority) {
        Claim claim = claims.get();
        if (claim.isOpen()) {
            throw new IpcException(IpcError.BUSY, what + ": this thread's claim is still open; commit or abort it first");
        }
        Arrays.fill(claim.bytes, 0, length, (byte) 0); // a claim starts as zeros (MessageClaim)
        claim.open(length);
        claim.priority = priority;
        return claim;
    }

    int drain(MessageHandler handler, int max) {
        if (handler == null || max < 0) {
            throw IpcException.invalidArgument(what + ": drain needs a handler and a count of 0 or more");
        }
        View view = views.get();
        if (view.isOpen()) {
            throw new IpcException(IpcError.BUSY, what + ": a handler of this thread is still reading a message");
        }
        int handled = 0;
        while (handled < max) {
            int n = port.tryReceive(view.bytes, 0, view.bytes.length, view.info);
            if (n == MessagePort.NO_MESSAGE) {
                break;
            }
            handled++;
            hand(view, n, handler);
        }
        return handled;
    }

    /**
     * Waits for the next message (at most {@code timeout} if {@code timed}) and hands it to
     * {@code handler}: {@link MessagePort#receive(MessageHandler, Duration)}.
     */
    void receive(MessageHandler handler, boolean timed, Duration timeout) {
        if (handler == null) {
            throw IpcException.invalidArgument(what + ": a receive in place needs a handler");
        }
        View view = views.get();
        if (view.isOpen()) {
            throw new IpcException(IpcError.BUSY, what + ": a handler of this thread is still reading a message");
        }
        int n = timed ? port.receive(view.bytes, 0, view.bytes.length, view.info, timeout)
                : port.receive(view.bytes, 0, view.bytes.length, view.info);
        hand(view, n, handler);
    }

    private static void hand(View view, int length, MessageHandler handler) {
        view.open(length);
        try {
            handler.onMessage(view, view.info);
        } finally {
            view.close();
        }
    }

    int trySend(ByteBuffer[] messages, int offset, int count, int priority) {
        if (messages == null || offset < 0 || count < 0 || offset > messages.length - count) {
            throw IpcException.invalidArgument(what + ": batch of " + count + " at " + offset + " is outside the array");
        }
        for (int i = offset; i < offset + count; i++) {
            if (messages[i] == null) {
                throw IpcException.invalidArgument(what + ": message " + i + " of the batch is null");
            }
        }
        int sent = 0;
        while (sent < count && port.trySend(messages[offset + sent], priority)) {
            sent++;
        }
        return sent;
    }

    /** A message in a heap array, read through the checks of the views in shared memory. */
    private static class View implements org.multios.ipc.MessageBuffer {
        final byte[] bytes;
        final ByteBuffer buffer;
        final MessageInfo info = new MessageInfo();
        final String what;
        int length = -1;

        View(byte[] bytes, String what) {
            this.bytes = bytes;
            this.what = what;
            this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        }

        void open(int length) {
            this.length = length;
        }

        void close() {
            length = -1;
        }

        boolean isOpen() {
            return length >= 0;
        }

        int at(int index, int size) {
            if (length < 0) {
                throw IpcException.invalidArgument(what + ": the message view has ended");
            }
            if (index < 0 || size < 0 || index > length - size) {
                throw IpcException.invalidArgument(what + ": " + size + " bytes at " + index
                        + " are outside the message of " + length + " bytes");
            }
            return index;
        }

        @Override
        public int length() {
            return Math.max(0, length);
        }

        @Override
        public byte getByte(int index) {
            return buffer.get(at(index, 1));
        }

        @Override
        public int getInt(int index) {
            return buffer.getInt(at(index, Integer.BYTES));
        }

        @Override
        public long getLong(int index) {
            return buffer.getLong(at(index, Long.BYTES));
        }

        @Override
        public void getBytes(int index, byte[] dst, int off, int len) {
            if (dst == null || off < 0 || len < 0 || off > dst.length - len) {
                throw IpcException.invalidArgument(what + ": range of " + len + " bytes at " + off
                        + " is outside the array");
            }
            System.arraycopy(bytes, at(index, len), dst, off, len);
        }

        @Override
        public void getBytes(int index, ByteBuffer dst) {
            if (dst == null || dst.isReadOnly()) {
                throw IpcException.invalidArgument(what + ": cannot copy into a missing or read-only buffer");
            }
            int n = dst.remaining();
            dst.put(dst.position(), bytes, at(index, n), n);
            dst.position(dst.position() + n);
        }
    }

    /** This thread's claim: a heap buffer sent whole at commit. */
    private static final class Claim extends View implements MessageClaim, MutableMessageBuffer {
        final WeakReference<MessagePort> port;
        int priority;

        Claim(byte[] bytes, MessagePort port, String what) {
            super(bytes, what);
            this.port = new WeakReference<>(port);
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public boolean isOpen() {
            return super.isOpen();
        }

        @Override
        public void commit() {
            if (!isOpen()) {
                throw IpcException.invalidArgument(what + ": the claim is not open (already committed or aborted)");
            }
            int n = length;
            close();
            MessagePort p = port.get();
            if (p == null) {
                throw IpcException.closed(what);
            }
            p.send(bytes, 0, n, priority);
        }

        @Override
        public void abort() {
            close();
        }

        @Override
        public void putByte(int index, byte value) {
            buffer.put(at(index, 1), value);
        }

        @Override
        public void putInt(int index, int value) {
            buffer.putInt(at(index, Integer.BYTES), value);
        }

        @Override
        public void putLong(int index, long value) {
            buffer.putLong(at(index, Long.BYTES), value);
        }

        @Override
        public void putBytes(int index, byte[] src, int off, int len) {
            if (src == null || off < 0 || len < 0 || off > src.length - len) {
                throw IpcException.invalidArgument(what + ": range of " + len + " bytes at " + off
                        + " is outside the array");
            }
            System.arraycopy(src, off, bytes, at(index, len), len);
        }

        @Override
        public void putBytes(int index, ByteBuffer src) {
            if (src == null) {
                throw IpcException.invalidArgument(what + ": buffer must not be null");
            }
            int n = src.remaining();
            src.get(src.position(), bytes, at(index, n), n);
            src.position(src.limit());
        }
    }
}
