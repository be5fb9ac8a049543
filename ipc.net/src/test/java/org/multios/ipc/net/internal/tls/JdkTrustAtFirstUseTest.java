package org.multios.ipc.net.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.net.internal.stream.NetSettings;

/**
 * The JDK's trusted certificates are read when the first TLS connection that trusts them is made,
 * not when the network settings are (at every start of a gateway, which reading and parsing them
 * made a tenth slower). Observed in a JVM of its own, whose JSSE debug log says when it reads the
 * trust store.
 */
class JdkTrustAtFirstUseTest {
    private static final String DEFAULTS_MADE = "network defaults made";
    private static final String ENGINE_MADE = "client engine made";
    private static final String TRUST_READ = "trustStore is:";

    @Test
    @Timeout(120)
    void theJdkTrustIsReadAtTheFirstClientEngineNotWithTheDefaults() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.debug=ssl:trustmanager", "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(output).isZero();

        int defaults = output.indexOf(DEFAULTS_MADE);
        int trust = output.indexOf(TRUST_READ);
        int engine = output.indexOf(ENGINE_MADE);
        assertThat(defaults).as(output).isNotNegative();
        assertThat(trust).as("the trust store is read after the defaults are made:%n%s", output).isGreaterThan(defaults);
        assertThat(engine).as(output).isGreaterThan(trust);
    }

    /** Makes the network defaults, then a client engine that trusts what the JDK trusts. */
    public static final class Child {
        public static void main(String[] args) {
            NetSettings settings = NetSettings.DEFAULTS;
            System.out.println(DEFAULTS_MADE + ": TLS " + settings.tls().protocols());
            System.out.flush();
            settings.tls().clientEngine("localhost", 443, Optional.empty());
            System.out.println(ENGINE_MADE);
            System.out.flush();
        }
    }
}
