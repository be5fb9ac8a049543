package org.multios.ipc.local;

import java.util.Map;
import java.util.Objects;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.CallerContext;

/**
 * A {@link CallerContext} that decides access by the object's owner, group and mode alone,
 * as POSIX does at open, and keeps quotas in a {@link QuotaLedger}. The plain-Java bootstrap
 * uses it as is; ipc.security adds its policy's rules on top.
 */
public final class PosixCaller implements CallerContext {
    private final IpcProcess process;
    private final QuotaLedger quotas;

    /** A caller context for the given process and quotas. */
    public PosixCaller(IpcProcess process, QuotaLedger quotas) {
        this.process = Objects.requireNonNull(process, "process");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
    }

    /** A caller context for the given process without quota maxima. */
    public static PosixCaller unlimited(IpcProcess process) {
        return new PosixCaller(process, new QuotaLedger(process.toString(), Map.of()));
    }

    @Override
    public IpcProcess process() {
        return process;
    }

    @Override
    public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
        int granted = permissions.rightsOf(process);
        if (!Rights.includes(granted, requested)) {
            throw IpcException.permissionDenied(describe(requested & ~granted), type.label() + " '" + name + "' ("
                    + permissions + ")", process.toString() + " as " + process.user());
        }
        return new Grant(granted);
    }

    /** The verb of an operation class, for denial messages. */
    static String describe(int missing) {
        if ((missing & Rights.ADMIN) != 0) {
            return "administer";
        }
        if ((missing & Rights.WRITE) != 0) {
            return "write to";
        }
        return "read from";
    }

    /** Outside OSGi there is no audit log; the exception the mechanism throws says it all. */
    @Override
    public void denied(ObjectType type, String name, String operation) {
        // nothing to record
    }

    @Override
    public void reserve(Quota quota, long amount) {
        quotas.reserve(quota, amount);
    }

    @Override
    public void release(Quota quota, long amount) {
        quotas.release(quota, amount);
    }

    /** The quotas of this caller. */
    public QuotaLedger quotas() {
        return quotas;
    }
}
