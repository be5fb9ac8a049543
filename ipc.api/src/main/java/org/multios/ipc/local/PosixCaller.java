package org.multios.ipc.local;

import java.util.Map;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;

/**
 * A {@link org.multios.ipc.spi.CallerContext} that decides access by the object's owner, group and mode alone,
 * as POSIX does at open, and keeps quotas in a {@link QuotaLedger}. The plain-Java bootstrap
 * uses it as is; ipc.security adds its policy's rules on top.
 */
public final class PosixCaller extends LedgerCaller {
    /** A caller context for the given process and quotas. */
    public PosixCaller(IpcProcess process, QuotaLedger quotas) {
        super(process, quotas);
    }

    /** A caller context for the given process without quota maxima. */
    public static PosixCaller unlimited(IpcProcess process) {
        return new PosixCaller(process, new QuotaLedger(process.toString(), Map.of()));
    }

    @Override
    public Grant authorize(ObjectType type, String name, Permissions permissions, int requested) {
        int granted = permissions.rightsOf(process());
        if (!Rights.includes(granted, requested)) {
            throw IpcException.permissionDenied(verb(requested & ~granted), type.label() + " '" + name + "' ("
                    + permissions + ")", who());
        }
        return new Grant(granted);
    }

    /** Outside OSGi there is no audit log; the exception the mechanism throws says it all. */
    @Override
    public void denied(ObjectType type, String name, String operation) {
        // nothing to record
    }
}
