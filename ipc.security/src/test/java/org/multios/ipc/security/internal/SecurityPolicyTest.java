package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.ConfigurationReader;
import org.multios.ipc.spi.PlatformConfiguration;

/** The security configuration is read whole: what does not parse refuses all of it, naming the file and key. */
class SecurityPolicyTest {
    private static final String FILE = "file:/opt/gateway/conf/org.multios.ipc.security.cfg";

    private static SecurityPolicy parse(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", PlatformConfiguration.SECURITY_PID);
        m.put(ConfigurationReader.FILE_PROPERTY, FILE);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return SecurityPolicy.parse(ConfigurationReader.of(PlatformConfiguration.SECURITY_PID, m));
    }

    private static void refused(String[] expected, Object... keysAndValues) {
        assertThatThrownBy(() -> parse(keysAndValues)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContainingAll(expected);
    }

    @Test
    void theShippedFileTypedAndAsFileInstallReadsItUntypedParse() {
        SecurityPolicy typed = parse("default.user", "", "audit.rate", 10, "quota.objects", 0L, "quota.shm.bytes", 0L,
                "remote.user", "nobody", "rules", new String[] {"allow group:sensors rw queue:telemetry.*"});
        SecurityPolicy untyped = parse("default.user", "", "audit.rate", "10", "quota.objects", "5",
                "remote.user", "nobody", "rules", "allow group:sensors rw queue:telemetry.*");

        assertThat(typed.access().texts()).containsExactly("allow group:sensors rw queue:telemetry.*");
        assertThat(untyped.access().texts()).isEqualTo(typed.access().texts());
        assertThat(untyped.quotas()).containsEntry(Quota.OBJECTS, 5L);
        assertThat(typed.auditRate()).isEqualTo(10);
    }

    @Test
    void anExampleArrayLineInAnUntypedFileIsRefusedNotIgnored() {
        refused(new String[] {FILE, "key rules", "expected a list of strings"},
                "audit.rate", "10", "rules", "[\"allow group:sensors rw queue:telemetry.*\", \"deny * * *:*\"]");
    }

    @Test
    void everyKindOfMistakeRefusesTheWholeConfiguration() {
        refused(new String[] {"unknown key rule", "the keys are"}, "rule", "deny * * *:*");
        refused(new String[] {"key audit.rate", "whole number"}, "audit.rate", "ten");
        refused(new String[] {"key quota.objects", "found -1"}, "quota.objects", -1L);
        refused(new String[] {"key rules", "security rule 'deny everyone'"}, "rules", new String[] {"deny everyone"});
        refused(new String[] {"key bundle.identities", "com.example.payroll"},
                "bundle.identities", new String[] {"com.example.payroll"});
        refused(new String[] {"key default.user", "\"\""}, "default.user", "\"\"");
        refused(new String[] {"key default.groups", "a,b"}, "default.groups", "a,b");
        refused(new String[] {"key peer.tokens", "sha256:"}, "peer.tokens", new String[] {"sha256:12=alice"});
        refused(new String[] {"key remote.user", "a string"}, "remote.user", 5);
        refused(new String[] {"key peer.certificates", "'CN=x'"}, "peer.certificates", new String[] {"CN=x"});
    }

    @Test
    void theSummarySaysWhatThePolicyHolds() {
        assertThat(parse("rules", List.of("allow * r queue:a", "deny * w queue:b"),
                "bundle.identities", new String[] {"file:/opt/a.jar=alice"},
                "operator.identities", new String[] {"ssh:alice=alice:ops"}).summary())
                .startsWith("2 rule(s), 1 bundle identity, 0 peer token(s), 0 peer certificate subject(s), 1 operator identity, no quotas");
    }
}
