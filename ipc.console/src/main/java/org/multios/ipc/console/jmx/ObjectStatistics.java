package org.multios.ipc.console.jmx;

import javax.management.ObjectName;

import org.multios.ipc.Counter;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.WaitTimes;

/**
 * One live object, read from the exporter's snapshot by its MBean name; once the object is gone
 * it shows the last values seen.
 */
public final class ObjectStatistics implements ObjectStatisticsMBean {
    private final ObjectName name;
    private final IpcMBeanExporter exporter;
    private volatile ObjectInfo last;
    private volatile boolean live = true;

    ObjectStatistics(ObjectName name, ObjectInfo first, IpcMBeanExporter exporter) {
        this.name = name;
        this.last = first;
        this.exporter = exporter;
    }

    private ObjectInfo info() {
        ObjectInfo now = exporter.current().byName.get(name);
        if (now == null) {
            live = false;
            return last;
        }
        live = true;
        last = now;
        return now;
    }

    private long counter(Counter counter) {
        return info().statistics().get(counter);
    }

    private WaitTimes waits() {
        return info().statistics().waitTimes();
    }

    @Override
    public String getKind() {
        return info().type().label();
    }

    @Override
    public long getId() {
        return info().id();
    }

    @Override
    public String getName() {
        return info().displayName();
    }

    @Override
    public boolean isNamed() {
        return info().name().isPresent();
    }

    @Override
    public boolean isLive() {
        info();
        return live;
    }

    @Override
    public boolean isPersistent() {
        return info().persistent();
    }

    @Override
    public long getCapacity() {
        return info().capacity();
    }

    @Override
    public String getOwner() {
        return info().permissions().owner();
    }

    @Override
    public String getGroup() {
        return info().permissions().group();
    }

    @Override
    public String getMode() {
        return String.format("%03o", info().permissions().mode());
    }

    @Override
    public String getModeString() {
        return info().permissions().modeString();
    }

    @Override
    public String getCreator() {
        return String.valueOf(info().creator());
    }

    @Override
    public long getCreatorPid() {
        return info().creator().pid();
    }

    @Override
    public long getMessagesIn() {
        return counter(Counter.MESSAGES_IN);
    }

    @Override
    public long getMessagesOut() {
        return counter(Counter.MESSAGES_OUT);
    }

    @Override
    public long getBytesIn() {
        return counter(Counter.BYTES_IN);
    }

    @Override
    public long getBytesOut() {
        return counter(Counter.BYTES_OUT);
    }

    @Override
    public long getDepth() {
        return counter(Counter.DEPTH);
    }

    @Override
    public long getHighWaterMark() {
        return counter(Counter.HIGH_WATER_MARK);
    }

    @Override
    public long getWaits() {
        return counter(Counter.WAITS);
    }

    @Override
    public long getTimeouts() {
        return counter(Counter.TIMEOUTS);
    }

    @Override
    public long getErrors() {
        return counter(Counter.ERRORS);
    }

    @Override
    public long getDenials() {
        return counter(Counter.DENIALS);
    }

    @Override
    public long getContention() {
        return counter(Counter.CONTENTION);
    }

    @Override
    public long getHandles() {
        return counter(Counter.HANDLES);
    }

    @Override
    public long getAtomicOperations() {
        return counter(Counter.ATOMIC_OPERATIONS);
    }

    @Override
    public long getWaitCount() {
        return waits().count();
    }

    @Override
    public long getWaitP50Nanos() {
        return waits().p50();
    }

    @Override
    public long getWaitP90Nanos() {
        return waits().p90();
    }

    @Override
    public long getWaitP99Nanos() {
        return waits().p99();
    }

    @Override
    public long getWaitP999Nanos() {
        return waits().p999();
    }

    @Override
    public long getWaitMaxNanos() {
        return waits().max();
    }
}
