package org.multios.ipc.console.jmx;

/**
 * The totals of one kind of object, summed over its live objects: an object that goes takes
 * its counts with it, so totals can fall. Values are at most
 * {@link IpcMBeanExporter#DEFAULT_MAX_AGE_MILLIS} old.
 */
public interface MechanismStatisticsMBean {
    /** The kind: shm, semaphore, mutex, ... */
    String getKind();

    /** Live objects of this kind. */
    long getObjectCount();

    /** Open handles and mappings. */
    long getHandles();

    /** Messages (or posts, signals) accepted. */
    long getMessagesIn();

    /** Messages (or successful waits) taken. */
    long getMessagesOut();

    /** Bytes accepted. */
    long getBytesIn();

    /** Bytes taken. */
    long getBytesOut();

    /** Operations that had to wait. */
    long getWaits();

    /** Waits that ended with TIMEOUT. */
    long getTimeouts();

    /** Operations that failed with any other error. */
    long getErrors();

    /** Operations refused for lack of rights. */
    long getDenials();
}
