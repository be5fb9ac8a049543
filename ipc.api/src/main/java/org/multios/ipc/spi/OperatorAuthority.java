package org.multios.ipc.spi;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns the operators of the gateway's consoles (SSH accounts) into IPC processes: an operator
 * acts as the user and groups the security policy maps its account to, so the access rules, the
 * mode bits, the quotas and the audit log apply to what it does at the console as to bundles and
 * network peers. Registered by ipc.security for the trusted bundles only (a bundle that could log
 * in could act as anyone); the console that logs an operator in names its own session object,
 * and the commands it runs find their operator by that object.
 */
@ProviderType
public interface OperatorAuthority {
    /** The prefix of an SSH account's name in the policy and the process list: {@code ssh:alice}. */
    String SSH = "ssh:";

    /**
     * Logs an operator in for one console session.
     *
     * @param account the account it authenticated as, with its prefix ({@code ssh:alice})
     * @param origin  where it came from, for the process list and the audit log
     * @param console the console session the operator's commands run in (the key of
     *                {@link #operatorOf}); one operator per console session
     * @throws org.multios.ipc.IpcException UNAVAILABLE while no policy is in force; INVALID_ARGUMENT
     *         if the account has no prefix or the console session already has an operator
     */
    OperatorSession login(String account, String origin, Object console);

    /** The operator logged in for this console session and not logged out yet, if any. */
    Optional<OperatorSession> operatorOf(Object console);
}
