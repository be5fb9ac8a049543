package org.multios.ipc.channels.pipe;

/**
 * Called at numbered steps inside the windows that revocation, release and re-created names
 * race with, so that a test can hold a thread there (see {@link PipeMechanism#hook}). Absent in
 * production: every step then costs one null test.
 */
interface PipeHook {
    /** A FIFO end passed its grant check; its read or write is not made yet. */
    int TRANSFER_GRANTED = 1;
    /** An open authorized what it found under the name; the FIFO is not opened yet. */
    int FIFO_CHECKED = 2;
    /** A create (inside its session) is about to make its pipe. */
    int CREATING = 3;

    void at(int step);
}
