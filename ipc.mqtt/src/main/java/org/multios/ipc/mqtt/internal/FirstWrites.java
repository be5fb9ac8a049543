package org.multios.ipc.mqtt.internal;

/**
 * A socket factory of the MQTT client whose connections' first read waits for their first write
 * ({@link BoundedPackets.Gate}): {@link BoundedPackets} ({@code tcp://}) and
 * {@link BoundedTlsPackets} ({@code ssl://}).
 */
interface FirstWrites {
    /**
     * Waits at most {@code millis} until the connection made last, if it is connected, has had its
     * first write (the client's connecting thread looked at its reader): a forced disconnect before
     * that leaves the client's connecting thread waiting for good.
     */
    void awaitFirstWrite(long millis) throws InterruptedException;
}
