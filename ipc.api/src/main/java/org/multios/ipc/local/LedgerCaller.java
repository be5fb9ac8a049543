package org.multios.ipc.local;

import java.util.Objects;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.CallerContext;

/**
 * A {@link CallerContext} of one process whose quotas a {@link QuotaLedger} keeps, and the words
 * its denials use: what the plain-Java caller ({@link PosixCaller}) and ipc.security's caller
 * share. Each decides access its own way.
 */
public abstract class LedgerCaller implements CallerContext {
    private final IpcProcess process;
    private final QuotaLedger quotas;

    /** A caller context for the given process and quotas. */
    protected LedgerCaller(IpcProcess process, QuotaLedger quotas) {
        this.process = Objects.requireNonNull(process, "process");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
    }

    @Override
    public final IpcProcess process() {
        return process;
    }

    @Override
    public final void reserve(Quota quota, long amount) {
        quotas.reserve(quota, amount);
    }

    @Override
    public final void release(Quota quota, long amount) {
        quotas.release(quota, amount);
    }

    /** The quotas of this caller. */
    public final QuotaLedger quotas() {
        return quotas;
    }

    /** The caller as denial messages name it: its process and the process's user. */
    protected final String who() {
        return process + " as " + process.user();
    }

    /** The verb of the rights missing from a request, for denial messages. */
    protected static String verb(int missing) {
        if ((missing & Rights.ADMIN) != 0) {
            return "administer";
        }
        return (missing & Rights.WRITE) != 0 ? "write to" : "read from";
    }
}
