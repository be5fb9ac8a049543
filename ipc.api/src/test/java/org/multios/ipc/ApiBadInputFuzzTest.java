package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.fuzz.Fuzz.forAll;
import static org.multios.ipc.fuzz.Fuzz.returnsOrThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.fuzz.Fuzz;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.spi.PlatformConfiguration;

/**
 * Bad input to the parsers of ipc.api, on random cases: object names ({@link IpcNames}), octal
 * modes ({@link Permissions#parseMode}), limits from configuration
 * ({@link PlatformConfiguration#limits}) and endpoints ({@link Endpoint#parse}). Each either
 * accepts what its rules allow or fails with INVALID_ARGUMENT: never another exception. The
 * harness is {@link Fuzz}: {@code -Dipc.fuzz.tries=N} fuzzes longer, {@code -Dipc.fuzz.seed=S
 * -Dipc.fuzz.tries=1} replays a failure, e.g.
 * <pre>mvn -o -pl ipc.api verify -Dtest=ApiBadInputFuzzTest -Dipc.fuzz.tries=200000</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiBadInputFuzzTest {

    @Test
    void namesAreValidExactlyByTheRulesAndValidOnesStayUnderTheRoot() {
        Path root = Path.of("/ipc-root/queue");
        forAll(5_000, r -> {
            String name = Fuzz.name(r);
            boolean valid = Fuzz.validName(name);
            assertThat(IpcNames.isValid(name)).as("isValid(%s)", shown(name)).isEqualTo(valid);
            IpcException e = returnsOrThrows(() -> IpcNames.requireValid(ObjectType.QUEUE, name), IpcError.INVALID_ARGUMENT);
            assertThat(e == null).isEqualTo(valid);
            if (e != null) {
                assertThat(e.getMessage()).as("message of a rejected name stays short").hasSizeLessThan(400);
            } else {
                Path p = root.resolve(name);
                assertThat(p.getParent()).isEqualTo(root);
                assertThat(p.normalize()).isEqualTo(p);
            }
        });
        assertThat(IpcNames.isValid(null)).isFalse();
    }

    @Test
    void parseModeGivesAModeOrInvalidArgument() {
        forAll(5_000, r -> {
            String text = modeText(r);
            int[] mode = { -1 };
            returnsOrThrows(() -> mode[0] = Permissions.parseMode(text), IpcError.INVALID_ARGUMENT);
            if (mode[0] >= 0) {
                assertThat(mode[0]).isBetween(0, Permissions.MAX_MODE);
                assertThat(text).as("accepted mode text").matches("[0-7]+");
                assertThat(mode[0]).isEqualTo(Integer.parseInt(text, 8));
            }
        });
    }

    private static String modeText(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.toOctalString(r.nextInt(01000));
            case 1 -> Integer.toString(r.nextInt(), r.nextInt(2, 17));
            case 2 -> r.nextBoolean() ? null : "";
            case 3 -> {
                StringBuilder s = new StringBuilder();
                String alphabet = "0123456789+- x\u0660\u0666\u06f7\uff16\ud83d";
                for (int n = 1 + r.nextInt(6); n > 0; n--) {
                    s.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                yield s.toString();
            }
            default -> Fuzz.name(r);
        };
    }

    @Test
    void limitsFromConfigurationAreWholePositiveNumbersOrInvalidArgument() {
        forAll(5_000, r -> {
            Map<String, Object> config = new HashMap<>();
            for (int n = Fuzz.size(r, 12); n > 0; n--) {
                String key = r.nextInt(4) == 0 ? Fuzz.name(r)
                        : Limit.values()[r.nextInt(Limit.values().length)].key();
                config.put(key, limitValue(r));
            }
            IpcLimits[] limits = { null };
            returnsOrThrows(() -> limits[0] = PlatformConfiguration.limits(config), IpcError.INVALID_ARGUMENT);
            if (limits[0] != null) {
                for (Limit l : Limit.values()) {
                    assertThat(limits[0].get(l)).as(l.key()).isPositive();
                    Object given = config.get(l.key());
                    if (given instanceof Integer || given instanceof Long) {
                        assertThat(limits[0].get(l)).isEqualTo(((Number) given).longValue());
                    } else if (given == null) {
                        assertThat(limits[0].get(l)).isEqualTo(l.defaultValue());
                    }
                }
            }
        });
    }

    private static Object limitValue(SplittableRandom r) {
        return switch (r.nextInt(16)) {
            case 0 -> r.nextInt();
            case 1 -> r.nextLong();
            case 2 -> 1 + r.nextInt(1 << 20);
            case 3 -> r.nextBoolean() ? Double.NaN : r.nextBoolean() ? Double.POSITIVE_INFINITY : -0.0;
            case 4 -> r.nextDouble() * 1e20 - 1e19;
            case 5 -> (double) (1 + r.nextInt(1000));
            case 6 -> new BigDecimal(r.nextLong()).multiply(BigDecimal.TEN.pow(r.nextInt(30)));
            case 7 -> new BigInteger(100, new java.util.Random(r.nextLong()));
            case 8 -> (float) r.nextInt();
            case 9 -> (short) r.nextInt();
            case 10 -> new AtomicLong(r.nextLong());
            case 11 -> " " + (1 + r.nextInt(1000)) + "\t";
            case 12 -> new String[] { "1", "2" };
            case 13 -> r.nextBoolean();
            case 14 -> Long.toString(r.nextLong()) + (r.nextBoolean() ? "" : "0");
            default -> Fuzz.name(r);
        };
    }

    @Test
    void endpointsParseOrFailWithInvalidArgumentAndTheirTextParsesBack() {
        forAll(5_000, r -> {
            String text = endpointText(r);
            Endpoint[] e = { null };
            returnsOrThrows(() -> e[0] = Endpoint.parse(text), IpcError.INVALID_ARGUMENT);
            if (e[0] != null) {
                assertThat(e[0].port()).isBetween(0, Endpoint.MAX_PORT);
                assertParsesBack(e[0]);
            }
        });
    }

    @Test
    void unixEndpointsMadeFromAnyPathFailWithInvalidArgumentOrParseBack() {
        forAll(5_000, r -> {
            String path = r.nextBoolean() ? "/" + Fuzz.name(r) : Fuzz.name(r);
            Endpoint[] e = { null };
            returnsOrThrows(() -> e[0] = Endpoint.unix(path), IpcError.INVALID_ARGUMENT);
            if (e[0] != null) {
                assertParsesBack(e[0]);
            }
        });
    }

    /** The documented promise of {@link Endpoint#toString()}: its text parses back to an equal endpoint. */
    private static void assertParsesBack(Endpoint e) {
        String text = e.toString();
        try {
            assertThat(Endpoint.parse(text)).as("parse(\"%s\")", text).isEqualTo(e);
        } catch (IpcException x) {
            throw new AssertionError("the text form \"" + text + "\" of " + e.transport() + " endpoint host \""
                    + e.host() + "\" path \"" + e.path() + "\" does not parse back: " + x.getMessage(), x);
        }
    }

    private static final String[] ENDPOINT_PIECES = { "tcp", "udp", "unix", "TCP", "Unix", "ftp", ":", "//", "/",
        "[", "]", "::", "::1", "127.0.0.1", "256.1.1.1", "1.2.3", "host", "-h", "a.b.", ".", "%", "%eth0", "@",
        "?", "#", "65535", "65536", "0", "-1", "99999", "00080", " ", "\0", "é", "fe80", "ffff:", "1.2.3.4" };

    private static String endpointText(SplittableRandom r) {
        if (r.nextInt(8) == 0) {
            return Fuzz.name(r);
        }
        StringBuilder s = new StringBuilder();
        switch (r.nextInt(3)) {
            case 0 -> s.append("tcp://");
            case 1 -> s.append("unix:");
            default -> { }
        }
        for (int n = 1 + Fuzz.size(r, 10); n > 0; n--) {
            s.append(ENDPOINT_PIECES[r.nextInt(ENDPOINT_PIECES.length)]);
        }
        return s.toString();
    }

    private static String shown(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    }
}
