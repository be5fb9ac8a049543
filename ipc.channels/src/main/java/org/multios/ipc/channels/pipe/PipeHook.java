package org.multios.ipc.channels.pipe;

/**
 * Called at numbered steps inside the windows that revocation, release and re-created names
 * race with, so that a test can hold a thread there (see {@link PipeMechanism#hook}). Absent in
 * production: every step then costs one null test.
 */
interface PipeHook {
    /** A pipe end passed its grant check; its read or write is not made yet. */
    int TRANSFER_GRANTED = 1;
    /** An open authorized what it found under the name; the FIFO is not opened yet. */
    int FIFO_CHECKED = 2;
    /** A create (inside its session) is about to make its pipe. */
    int CREATING = 3;
    /**
     * An unnamed pipe's waiter found no byte (room) and its budget is spent: it has not yet
     * announced itself as a sleeper, so a peer that writes (reads) now wakes nobody.
     */
    int SLEEPING = 4;

    void at(int step);
}
