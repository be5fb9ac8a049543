package org.multios.ipc.net.internal.bridge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;

/**
 * The request ids a bridge connection answered lately, with their replies (but RECEIVE's, whose
 * message is never handed over twice): a request seen again is not run again.
 */
final class AnsweredRequests {
    /** How many answered request ids are remembered to recognise a repeated request. */
    static final int REMEMBERED = 1024;

    private final Map<Integer, Frame> answered = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Frame> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Remembers the reply to {@code id} (null: answer a repeat with nothing). */
    synchronized void remember(int id, Frame reply) {
        answered.put(id, reply);
    }

    /** Whether {@code id} was answered lately; a remembered reply is sent again, as a copy, to {@code reply}. */
    boolean repeat(int id, Consumer<Frame> reply) {
        Frame earlier;
        synchronized (this) {
            if (!answered.containsKey(id)) {
                return false;
            }
            earlier = answered.get(id);
        }
        if (earlier != null) {
            reply.accept(new Frame(FrameDescriptor.KIND_DATA, earlier.type(), earlier.priority(),
                    earlier.payload().clone()));
        }
        return true;
    }
}
