package org.multios.ipc.console.internal;

import java.util.Optional;
import java.util.function.Supplier;

import org.apache.felix.service.command.Job;
import org.multios.ipc.spi.OperatorAuthority;
import org.multios.ipc.spi.OperatorSession;

/**
 * Who a console command acts as: the operator logged in at the Gogo session running it (an SSH
 * console, see {@link OperatorAuthority}), whose services it then uses, so that the policy's
 * rules and the audit log apply to that operator; else (the console on standard input, the Web
 * Console, JMX) this bundle, with its own services.
 */
final class CommandCaller {
    private final Supplier<OperatorAuthority> authority;

    CommandCaller(Supplier<OperatorAuthority> authority) {
        this.authority = authority;
    }

    /**
     * The service of the operator running the current command, else {@code own}.
     *
     * @return null where the operator has no such service (its mechanism is not installed)
     */
    <S> S service(Class<S> apiType, S own) {
        Optional<OperatorSession> operator = operator();
        return operator.isPresent() ? operator.get().service(apiType) : own;
    }

    /** As {@link #service(Class, Object)}, asking {@code own} only where no operator runs the command. */
    <S> S service(Class<S> apiType, Supplier<S> own) {
        Optional<OperatorSession> operator = operator();
        return operator.isPresent() ? operator.get().service(apiType) : own.get();
    }

    private Optional<OperatorSession> operator() {
        Job job = Job.Utils.current();
        OperatorAuthority a = authority.get();
        return job == null || a == null ? Optional.empty() : a.operatorOf(job.session());
    }
}
