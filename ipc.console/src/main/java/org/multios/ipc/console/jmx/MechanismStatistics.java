package org.multios.ipc.console.jmx;

import org.multios.ipc.Counter;
import org.multios.ipc.ObjectType;

/** The totals of one kind of object, read from the exporter's snapshot. */
public record MechanismStatistics(ObjectType type, IpcMBeanExporter exporter) implements MechanismStatisticsMBean {
    private long total(Counter counter) {
        return exporter.current().total(type, counter);
    }

    @Override
    public String getKind() {
        return type.label();
    }

    @Override
    public long getObjectCount() {
        return exporter.current().count(type);
    }

    @Override
    public long getHandles() {
        return total(Counter.HANDLES);
    }

    @Override
    public long getMessagesIn() {
        return total(Counter.MESSAGES_IN);
    }

    @Override
    public long getMessagesOut() {
        return total(Counter.MESSAGES_OUT);
    }

    @Override
    public long getBytesIn() {
        return total(Counter.BYTES_IN);
    }

    @Override
    public long getBytesOut() {
        return total(Counter.BYTES_OUT);
    }

    @Override
    public long getWaits() {
        return total(Counter.WAITS);
    }

    @Override
    public long getTimeouts() {
        return total(Counter.TIMEOUTS);
    }

    @Override
    public long getErrors() {
        return total(Counter.ERRORS);
    }

    @Override
    public long getDenials() {
        return total(Counter.DENIALS);
    }
}
