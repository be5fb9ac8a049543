package org.multios.ipc.console.jmx;

/**
 * One live IPC object: identity, ownership, size, every counter and the wait-time percentiles.
 * Values are at most {@link IpcMBeanExporter#DEFAULT_MAX_AGE_MILLIS} old; once the object is
 * gone they stay at their last values, with {@code Live} false, until the MBean is unregistered.
 */
public interface ObjectStatisticsMBean {
    /** The kind: shm, semaphore, mutex, ... */
    String getKind();

    /** The id, unique within the mechanism while the object lives. */
    long getId();

    /** The name, or {@code #id} for an anonymous object. */
    String getName();

    /** Whether the object has a name. */
    boolean isNamed();

    /** Whether the object was present when the platform was last asked. */
    boolean isLive();

    /** Whether the object outlives its creator. */
    boolean isPersistent();

    /** Bytes for segments and pipes, messages for queues and channels, the maximum for semaphores. */
    long getCapacity();

    /** The owning user. */
    String getOwner();

    /** The owning group. */
    String getGroup();

    /** The mode in octal, as chmod takes it: {@code 660}. */
    String getMode();

    /** The mode as {@code ls -l} shows it: {@code rw-rw----}. */
    String getModeString();

    /** The creating process. */
    String getCreator();

    /** The operating system process that created the object. */
    long getCreatorPid();

    /** Messages (or posts, signals) accepted. */
    long getMessagesIn();

    /** Messages (or successful waits) taken. */
    long getMessagesOut();

    /** Bytes accepted. */
    long getBytesIn();

    /** Bytes taken. */
    long getBytesOut();

    /** Messages or bytes held now. */
    long getDepth();

    /** The largest depth seen. */
    long getHighWaterMark();

    /** Operations that had to wait. */
    long getWaits();

    /** Waits that ended with TIMEOUT. */
    long getTimeouts();

    /** Operations that failed with any other error. */
    long getErrors();

    /** Operations refused for lack of rights. */
    long getDenials();

    /** Acquisitions that found the object held by another. */
    long getContention();

    /** Open handles and mappings. */
    long getHandles();

    /** Atomic operations on shared words. */
    long getAtomicOperations();

    /** Waits recorded for the percentiles. */
    long getWaitCount();

    /** Median wait, nanoseconds. */
    long getWaitP50Nanos();

    /** 90th percentile wait, nanoseconds. */
    long getWaitP90Nanos();

    /** 99th percentile wait, nanoseconds. */
    long getWaitP99Nanos();

    /** 99.9th percentile wait, nanoseconds. */
    long getWaitP999Nanos();

    /** Longest wait, nanoseconds. */
    long getWaitMaxNanos();
}
