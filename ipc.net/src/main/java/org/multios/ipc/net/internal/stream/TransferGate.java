package org.multios.ipc.net.internal.stream;

/**
 * What a handle's grant lets through a {@link FramedSocket}: {@link #check} before each wait of
 * a send or a receive, and the transfer itself (one frame queued, written or taken, under the
 * direction's lock) between {@link #enter} and {@link #exit}, a step of the handle's grant
 * ({@link org.multios.ipc.spi.GuardedHandle}), so that a revocation that returned lets no frame
 * more through. A refusal is thrown (CLOSED, PERMISSION_DENIED).
 */
public interface TransferGate {
    /** Lets every frame through: the bridges' own frames, whose handles test their grants themselves. */
    TransferGate OPEN = new TransferGate() {
        @Override
        public void check() {
        }

        @Override
        public int enter() {
            return 0;
        }

        @Override
        public void exit(int token) {
        }
    };

    /** Before a wait: throws if the transfer may not happen. */
    void check();

    /**
     * Begins the transfer's step: throws if it may not happen; else every call must be followed
     * by {@link #exit} with the token returned.
     */
    int enter();

    /** Ends the step {@link #enter} began. */
    void exit(int token);
}
