package org.multios.ipc.security.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.MechanismProvider;
import org.multios.ipc.spi.OperatorAuthority;
import org.multios.ipc.spi.OperatorSession;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.local.RuntimeView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console operators as the policy sees them: each logged-in account an IPC process of its own,
 * acting as the identity the policy maps the account to ({@link OperatorIdentities}), with the
 * mechanisms' API services, the runtime and the access control bound to it as they are bound to
 * a bundle (listings, revocation and collection need the platform's ADMIN right, which an
 * operator holds only where 'admins' names its user or group). Thread-safe.
 *
 * <p>An operator's process id is numbered from {@value #FIRST_OPERATOR} (2<sup>62</sup>) up,
 * above every bundle id and every network connection's number, so that grants, revocation and
 * the process list never take one for the other.
 */
final class OperatorAuthorityService implements OperatorAuthority {
    /** The lowest operator number: 2<sup>62</sup>. */
    static final long FIRST_OPERATOR = 1L << 62;
    private static final Logger LOG = LoggerFactory.getLogger(OperatorAuthorityService.class);

    private final Sessions sessions;
    private final Supplier<Collection<MechanismProvider<?>>> providers;
    private final Supplier<IpcLimits> limits;
    private final Supplier<PolicyState> state;
    private final AtomicLong next = new AtomicLong(FIRST_OPERATOR);
    private final Map<Object, Operator> byConsole = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param providers the providers whose API services are published now
     */
    OperatorAuthorityService(Sessions sessions, Supplier<Collection<MechanismProvider<?>>> providers,
            Supplier<IpcLimits> limits, Supplier<PolicyState> state) {
        this.sessions = sessions;
        this.providers = providers;
        this.limits = limits;
        this.state = state;
    }

    @Override
    public OperatorSession login(String account, String origin, Object console) {
        PeerIdentities.Identity id = sessions.policy().operators().of(account); // UNAVAILABLE without a policy
        IpcProcess process = new IpcProcess(ProcessKind.REMOTE, next.getAndIncrement(), account + " from " + origin, 0,
                0, id.user(), id.groups());
        Operator operator = new Operator(sessions.connect(process, true), console);
        if (byConsole.putIfAbsent(console, operator) != null) {
            sessions.disconnect(operator.caller);
            throw IpcException.invalidArgument("the console session of " + account + " already has an operator");
        }
        return operator;
    }

    @Override
    public Optional<OperatorSession> operatorOf(Object console) {
        return Optional.ofNullable(byConsole.get(console));
    }

    /** One logged-in operator; its services are bound on first use, anew when their provider changed. */
    private final class Operator implements OperatorSession {
        private final SecurityCaller caller;
        private final Object console;
        private final Map<MechanismProvider<?>, Object> bound = new IdentityHashMap<>();
        private IpcRuntime runtime;
        private AccessControl accessControl;
        private boolean closed;

        Operator(SecurityCaller caller, Object console) {
            this.caller = caller;
            this.console = console;
        }

        @Override
        public IpcProcess process() {
            return caller.process();
        }

        @Override
        public synchronized <S> S service(Class<S> apiType) {
            if (closed) {
                return null;
            }
            if (apiType == IpcRuntime.class) {
                if (runtime == null) {
                    runtime = new CallerRuntime(new RuntimeView(process(), providers, sessions::processes, limits),
                            AdminGate.ofOperator(sessions, process()));
                }
                return apiType.cast(runtime);
            }
            if (apiType == AccessControl.class) {
                if (accessControl == null) {
                    accessControl = new AccessControlService(sessions, state, AdminGate.ofOperator(sessions, process()));
                }
                return apiType.cast(accessControl);
            }
            for (MechanismProvider<?> provider : providers.get()) {
                if (provider.apiType() == apiType) {
                    return apiType.cast(bound.computeIfAbsent(provider, p -> p.bind(caller)));
                }
            }
            return null;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            byConsole.remove(console, this);
            try {
                for (MechanismProvider<?> provider : bound.keySet()) {
                    try {
                        provider.release(caller);
                    } catch (RuntimeException e) {
                        LOG.warn("{} failed to release what {} held", provider, process(), e);
                    }
                }
            } finally {
                sessions.disconnect(caller);
            }
        }
    }
}
