package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

class ConfigurationReaderTest {
    private static final String FILE = "file:/opt/gateway/conf/org.example.cfg";

    private static ConfigurationReader reader(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", "org.example");
        m.put(ConfigurationReader.FILE_PROPERTY, FILE);
        m.put("component.name", "org.example.Component");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConfigurationReader.of("org.example", m);
    }

    private static void refused(Runnable read, String... parts) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContainingAll(parts);
    }

    @Test
    void typedValuesAndTheirStringFormsMeanTheSame() {
        ConfigurationReader typed = reader("n", 10, "l", 7L, "b", Boolean.TRUE, "s", "x", "list", new String[] {"a", " ", "b "});
        ConfigurationReader strings = reader("n", "10", "l", " 7", "b", "true", "s", " x ", "list", List.of("a", "b"));
        for (ConfigurationReader r : List.of(typed, strings)) {
            assertThat(r.whole("n", 0, 0, 100)).isEqualTo(10);
            assertThat(r.whole("l", 0, 0, 100)).isEqualTo(7);
            assertThat(r.bool("b", false)).isTrue();
            assertThat(r.string("s", "")).isEqualTo("x");
            assertThat(r.strings("list")).containsExactly("a", "b");
            assertThat(r.whole("absent", 42, 0, 100)).isEqualTo(42);
            r.finish();
        }
        assertThat(reader("one", "a rule").strings("one")).containsExactly("a rule");
    }

    @Test
    void anArrayThatFileInstallLeftAsOneStringIsRefusedWithTheReason() {
        refused(() -> reader("rules", "[\"allow * r queue:a\", \"deny * w queue:b\"]").strings("rules"),
                "org.example (" + FILE + ")", "key rules", "expected a list of strings", "every value", ".config");
    }

    @Test
    void wrongTypesAndRangesAreRefusedNamingTheKeyAndWhatWasExpected() {
        refused(() -> reader("n", "ten").whole("n", 0, 0, 100), FILE, "key n", "a whole number from 0 to 100", "'ten'");
        refused(() -> reader("n", 1.5).whole("n", 0, 0, 100), "key n", "Double 1.5");
        refused(() -> reader("n", -1L).whole("n", 0, 0, 100), "key n", "found -1");
        refused(() -> reader("b", "flase").bool("b", true), "key b", "true or false", "'flase'");
        refused(() -> reader("b", "yes").bool("b", true), "key b");
        refused(() -> reader("s", 5).string("s", ""), "key s", "a string", "Integer 5");
        refused(() -> reader("list", new int[] {1}).strings("list"), "key list", "a list of strings");
        refused(() -> reader("req", " ").requiredString("req"), "key req", "required");
    }

    @Test
    void aKeyNoGetterAskedForIsRefusedNamingTheKnownOnes() {
        ConfigurationReader r = reader("rule", "allow * r queue:x", "rules", new String[0], "x.target", "(a=b)");
        r.strings("rules");
        refused(r::finish, FILE, "unknown key rule", "the keys are rules");
    }

    @Test
    void parserErrorsAreNamedWithTheConfigurationAndKey() {
        refused(() -> reader().parse("rules", "bad", v -> {
            throw IpcException.invalidArgument("rule '" + v + "' is bad");
        }), FILE, "key rules", "rule 'bad' is bad");
    }

    @Test
    void theSourceIsThePidWithoutAFile() {
        assertThat(ConfigurationReader.of("p", Map.of()).source()).isEqualTo("p");
        assertThat(ConfigurationReader.of("p", Map.of()).isConfigured()).isFalse();
        assertThat(ConfigurationReader.of("f", Map.of("service.pid", "f~orders")).source()).isEqualTo("f~orders");
    }
}
