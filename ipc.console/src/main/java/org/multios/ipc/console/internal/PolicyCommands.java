package org.multios.ipc.console.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.multios.ipc.spi.AccessControl;
import org.multios.ipc.spi.PolicyState;
import org.multios.ipc.spi.OperatorAuthority;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The Gogo command {@code ipc:rules}: which security policy is in force, since when and from
 * where, and its rules; or why none is. It needs no API service, so it answers precisely when
 * the platform has closed for want of a valid policy.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = PolicyCommands.class, property = {"osgi.command.scope=ipc", "osgi.command.function=rules"})
public final class PolicyCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AccessControl ownAccessControl;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OperatorAuthority operators;
    private final CommandCaller caller = new CommandCaller(() -> operators);

    /** The state of the policy and its rules in evaluation order. */
    @Descriptor("shows which security policy is in force and its rules in evaluation order, or why none is")
    public String rules() {
        AccessControl ac = caller.service(AccessControl.class, ownAccessControl);
        if (ac == null) {
            return "ipc.security is not running: no API service, no network peer admitted\n";
        }
        PolicyState state = ac.policyState();
        List<String> rules = ac.rules();
        if (!state.inForce()) {
            return state.describe() + "\n";
        }
        return state.describe() + "\n"
                + (rules.isEmpty() ? "no rules: owner, group and mode decide\n" : String.join("\n", rules) + "\n");
    }
}
