package org.multios.ipc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.NetworkInterface;
import java.net.SocketException;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

class EndpointTest {

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(String text) {
        return assertThatThrownBy(() -> Endpoint.parse(text))
                .isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void parsesTcpWithHostName() {
        Endpoint e = Endpoint.parse("tcp://gateway.local:7000");
        assertThat(e.transport()).isEqualTo(Transport.TCP);
        assertThat(e.host()).isEqualTo("gateway.local");
        assertThat(e.port()).isEqualTo(7000);
        assertThat(e.path()).isEmpty();
        assertThat(e).hasToString("tcp://gateway.local:7000");
    }

    @Test
    void parsesUdpWithIpv4() {
        Endpoint e = Endpoint.parse("udp://192.168.1.10:5353");
        assertThat(e).isEqualTo(Endpoint.udp("192.168.1.10", 5353));
        assertThat(e.isLoopback()).isFalse();
    }

    @Test
    void parsesBracketedIpv6AndStoresItWithoutBrackets() {
        Endpoint e = Endpoint.parse("tcp://[::1]:80");
        assertThat(e.host()).isEqualTo("::1");
        assertThat(e.isLoopback()).isTrue();
        assertThat(e).hasToString("tcp://[::1]:80");
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://[2001:db8::8a2e:370:7334]:1", "tcp://[fe80::1]:1", "tcp://[::]:1",
        "tcp://[1:2:3:4:5:6:7:8]:1"})
    void acceptsIpv6Forms(String text) {
        assertThat(Endpoint.parse(text).host()).contains(":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://[1:2:3:4:5:6:7]:1", "tcp://[1::2::3]:1", "tcp://[12345::]:1", "tcp://[g::1]:1",
        "tcp://[1:2:3:4:5:6:7:8:9]:1", "tcp://[::1%]:1", "tcp://[::1.2.3.999]:1"})
    void rejectsMalformedIpv6(String text) {
        assertInvalid(text).hasMessageContaining("IPv6");
    }

    @Test
    void emptyHostMeansLoopback() {
        Endpoint e = Endpoint.parse("tcp://:7000");
        assertThat(e.host()).isEqualTo(Endpoint.LOOPBACK);
        assertThat(e.isLoopback()).isTrue();
        assertThat(e).isEqualTo(Endpoint.tcp(7000));
    }

    @Test
    void schemeIsCaseInsensitiveAndSurroundingSpaceIgnored() {
        assertThat(Endpoint.parse("  TCP://Host:1 ")).isEqualTo(Endpoint.tcp("Host", 1));
    }

    @Test
    void portZeroAndMaximumAreAccepted() {
        assertThat(Endpoint.parse("tcp://h:0").port()).isZero();
        assertThat(Endpoint.parse("tcp://h:65535").port()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://h:65536", "tcp://h:-1", "tcp://h:abc", "tcp://h:", "tcp://h:123456",
        "tcp://h:+80"})
    void rejectsBadPorts(String text) {
        assertInvalid(text).hasMessageContaining("port");
    }

    @Test
    void rejectsMissingPort() {
        assertInvalid("tcp://host").hasMessageContaining("has no port");
        assertInvalid("tcp://[::1]").hasMessageContaining("has no port");
    }

    @Test
    void rejectsUnbracketedIpv6() {
        assertInvalid("tcp://::1:80").hasMessageContaining("brackets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://host:80/path", "tcp://host:80?q", "tcp://user@host:80", "tcp://host:80#x"})
    void rejectsAnythingAfterThePort(String text) {
        assertInvalid(text).hasMessageContaining("only a host and a port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://bad_host:1", "tcp://-bad.example:1", "tcp://a..b:1", "tcp://host-.x:1",
        "tcp://256.1.1.1:1", "tcp://1.2.3:1", "tcp://h\u00e9:1"})
    void rejectsBadHosts(String text) {
        assertInvalid(text).hasMessageContaining("host");
    }

    @Test
    void rejectsTooLongHostAndLabels() {
        assertInvalid("tcp://" + "a".repeat(64) + ".com:1").hasMessageContaining("63");
        String longName = ("a".repeat(50) + ".").repeat(6) + "com";
        assertInvalid("tcp://" + longName + ":1").hasMessageContaining("253");
    }

    @Test
    void rejectsMissingOrUnknownTransport() {
        assertInvalid("localhost:80").hasMessageContaining("unknown transport");
        assertInvalid(":80").hasMessageContaining("no transport");
        assertInvalid("//host:80").hasMessageContaining("unknown transport");
        assertInvalid("http://host:80").hasMessageContaining("unknown transport 'http'");
        assertInvalid("tcp:host:80").hasMessageContaining("tcp://host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmpty(String text) {
        assertInvalid(text).hasMessageContaining("empty");
    }

    @Test
    void rejectsNull() {
        assertInvalid(null).hasMessageContaining("empty");
    }

    @Test
    void parsesUnixAbsolutePathInBothForms() {
        Endpoint a = Endpoint.parse("unix:/run/multios/gw.sock");
        Endpoint b = Endpoint.parse("unix:///run/multios/gw.sock");
        assertThat(a).isEqualTo(b);
        assertThat(a.transport()).isEqualTo(Transport.UNIX);
        assertThat(a.path()).isEqualTo("/run/multios/gw.sock");
        assertThat(a.host()).isEmpty();
        assertThat(a.port()).isZero();
        assertThat(a.isNamedInIpcRoot()).isFalse();
        assertThat(a).hasToString("unix:/run/multios/gw.sock");
    }

    @Test
    void parsesUnixNameInIpcRoot() {
        Endpoint e = Endpoint.parse("unix:gateway.sock");
        assertThat(e.isNamedInIpcRoot()).isTrue();
        assertThat(e.path()).isEqualTo("gateway.sock");
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @Test
    void rejectsBadUnixPaths() {
        assertInvalid("unix:").hasMessageContaining("is empty");
        assertInvalid("unix://host/path").hasMessageContaining("no host");
        assertInvalid("unix:relative/path").hasMessageContaining("neither an absolute path");
        assertInvalid("unix:..").hasMessageContaining("neither an absolute path");
        assertInvalid("unix:/var/run/dir/").hasMessageContaining("directory");
        assertInvalid("unix:/.").hasMessageContaining("directory");
        assertInvalid("unix:/var/run/dir/.").hasMessageContaining("directory");
        assertInvalid("unix:/" + "x".repeat(Endpoint.MAX_UNIX_PATH_BYTES)).hasMessageContaining("107");
        assertInvalid("unix:/a\0b").hasMessageContaining("NUL");
    }

    /**
     * {@code db.} is an absolute DNS name and {@code db} one the resolver tries in its search
     * domains: two lookups. The final dot is kept in the host, which is what the mechanism looks up
     * (before, it was dropped, and {@code db.} was looked up as {@code db}, through the search
     * domains); rules match both by the text without it.
     */
    @Test
    void aFinalDotIsKeptForTheLookupAndRulesMatchTheNameWithoutIt() {
        Endpoint absolute = Endpoint.parse("tcp://Internal.Example.:5432");
        assertThat(absolute.host()).isEqualTo("internal.example.");
        assertThat(absolute).hasToString("tcp://internal.example.:5432").isNotEqualTo(Endpoint.tcp("internal.example",
                5432));
        assertThat(Endpoint.parse(absolute.toString())).isEqualTo(absolute);
        assertThat(absolute.ruleText()).isEqualTo("tcp://internal.example:5432");
        assertThat(Endpoint.udp("DB.", 53).ruleText()).isEqualTo("udp://db:53");
        assertThat(Endpoint.tcp("db", 1).ruleText()).isEqualTo("tcp://db:1");
        assertThat(Endpoint.tcp("::1", 1).ruleText()).isEqualTo("tcp://[::1]:1");
        assertThat(Endpoint.unix("/run/x.sock").ruleText()).isEqualTo("unix:/run/x.sock");
        assertThat(Endpoint.tcp("localhost.", 1).isLoopback()).isTrue();
    }

    /**
     * Security rules match an endpoint by its text ({@code deny * * endpoint:unix:/run/docker.sock}),
     * so one socket has one text: repeated slashes and {@code .} are dropped, {@code ..} (whose
     * meaning depends on links) is refused, and a host's letters are lower case (its final dot
     * kept: see {@link #aFinalDotIsKeptForTheLookupAndRulesMatchTheNameWithoutIt}). Before,
     * {@code unix://run//./docker.sock} and {@code tcp://Internal.Example:5432} named the same
     * sockets as other texts, and {@code unix:/tmp/app/../../run/x.sock} matched a rule for
     * {@code /tmp/app/*}.
     */
    @Test
    void oneSocketHasOneTextForRulesToMatch() {
        for (String same : new String[] {"unix:/run//docker.sock", "unix:////run/docker.sock", "unix:/run/./docker.sock",
                "unix:/./run///.//docker.sock"}) {
            assertThat(Endpoint.parse(same)).as(same).isEqualTo(Endpoint.parse("unix:/run/docker.sock"))
                    .hasToString("unix:/run/docker.sock");
        }
        assertThat(Endpoint.unix("//run//docker.sock").path()).isEqualTo("/run/docker.sock");
        for (String up : new String[] {"unix:/tmp/app/../../run/x.sock", "unix:/..", "unix:/a/../b", "unix:/a/.."}) {
            assertInvalid(up).hasMessageContaining("'..'").hasMessageContaining("unix endpoint path");
        }
        assertThat(Endpoint.unix("/a/..b/.c/b..").path()).isEqualTo("/a/..b/.c/b..");
        assertThat(Endpoint.parse("tcp://Internal.Example:5432")).isEqualTo(Endpoint.tcp("internal.example", 5432))
                .hasToString("tcp://internal.example:5432");
        NetworkInterface lo = loopback();
        String name = lo.getName();
        String index = Integer.toString(lo.getIndex());
        assertThat(Endpoint.parse("udp://[FE80::A%" + name + "]:1").host()).isEqualTo("fe80::a%" + name);
        for (String[] same : new String[][] {{"010.0.0.1", "10.0.0.1"}, {"127.000.000.001", "127.0.0.1"},
            {"::FFFF:10.0.0.1", "10.0.0.1"}, {"0:0:0:0:0:0:0:1", "::1"}, {"0::0", "::"}, {"2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"1:0:0:2:0:0:0:3", "1:0:0:2::3"}, {"0:0:1::", "0:0:1::"},
            {"::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"}, {"fe80:0::00a%" + name, "fe80::a%" + name},
            // a zone only where the address is link-local (the kernel ignores it elsewhere)
            {"fd00::2%1", "fd00::2"}, {"::1%lo", "::1"}, {"::ffff:10.0.0.1%1", "10.0.0.1"},
            // a link-local zone by its interface's name, however it was written: by index, in any digits
            {"fe80::a%" + index, "fe80::a%" + name}, {"fe80::a%0" + index, "fe80::a%" + name},
            {"fe80::a%" + arabic(index), "fe80::a%" + name}, {"ff02::1%" + index, "ff02::1%" + name}}) {
            assertThat(Endpoint.tcp(same[0], 1).host()).as(same[0]).isEqualTo(same[1]);
        }
    }

    /**
     * A link-local address's zone names an interface by index or by name, and the kernel takes
     * either: {@code [fe80::1%1]} and {@code [fe80::1%lo]} are one socket, so they are one text, the
     * interface's name; a zone that names no interface of this machine is refused.
     */
    @Test
    void aLinkLocalZoneIsTheNameOfItsInterfaceByIndexOrByName() throws Exception {
        NetworkInterface lo = loopback();
        Endpoint byName = Endpoint.parse("tcp://[fe80::1%" + lo.getName() + "]:80");
        assertThat(Endpoint.parse("tcp://[fe80::1%" + lo.getIndex() + "]:80")).isEqualTo(byName)
                .hasToString("tcp://[fe80::1%" + lo.getName() + "]:80");
        assertThat(Endpoint.parse(byName.toString())).isEqualTo(byName);
        int none = 1;
        while (NetworkInterface.getByIndex(none) != null) {
            none++;
        }
        for (String zone : new String[] {Integer.toString(none), "0", "99999999999", "no-such-if0"}) {
            assertInvalid("tcp://[fe80::1%" + zone + "]:80")
                    .hasMessageContaining("tcp endpoint host 'fe80::1%" + zone + "'")
                    .hasMessageContaining("names no network interface of this machine");
        }
    }

    /** This machine's loopback interface (every machine has one): its name and index are the zones tests write. */
    private static NetworkInterface loopback() {
        try {
            return NetworkInterface.networkInterfaces().filter(EndpointTest::isLoopback).findFirst().orElseThrow();
        } catch (SocketException e) {
            throw new AssertionError("the network interfaces cannot be read", e);
        }
    }

    private static boolean isLoopback(NetworkInterface i) {
        try {
            return i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    /** The number in Arabic-Indic digits, which Java reads as digits too. */
    private static String arabic(String digits) {
        StringBuilder s = new StringBuilder();
        digits.chars().forEach(c -> s.append((char) ('\u0660' + c - '0')));
        return s.toString();
    }

    @Test
    void unixPathLimitCountsUtf8Bytes() {
        String ok = "/" + "x".repeat(Endpoint.MAX_UNIX_PATH_BYTES - 1);
        assertThat(Endpoint.unix(ok).path()).hasSize(Endpoint.MAX_UNIX_PATH_BYTES);
        String tooLong = "/" + "\u00e9".repeat(54); // 1 + 108 bytes
        assertThatThrownBy(() -> Endpoint.unix(tooLong)).isInstanceOf(IpcException.class).hasMessageContaining("109 bytes");
    }

    @Test
    void constructorChecksPartsAgainstTransport() {
        assertThatThrownBy(() -> new Endpoint(Transport.UNIX, "host", 0, "/p"))
                .isInstanceOf(IpcException.class).hasMessageContaining("cannot have a host or port");
        assertThatThrownBy(() -> new Endpoint(Transport.TCP, "h", 1, "/p"))
                .isInstanceOf(IpcException.class).hasMessageContaining("cannot have a path");
        assertThatThrownBy(() -> Endpoint.tcp("h", 70000))
                .isInstanceOf(IpcException.class).hasMessageContaining("outside 0..65535");
        assertThat(new Endpoint(Transport.TCP, null, 5, null)).isEqualTo(Endpoint.tcp(5));
    }

    @Test
    void withPortReplacesThePort() {
        assertThat(Endpoint.tcp(0).withPort(4242)).isEqualTo(Endpoint.tcp(4242));
        assertThatThrownBy(() -> Endpoint.unix("/s").withPort(1)).isInstanceOf(IpcException.class);
    }

    @Test
    void knowsWildcardAndLoopback() {
        assertThat(Endpoint.parse("tcp://0.0.0.0:1").isWildcard()).isTrue();
        assertThat(Endpoint.parse("tcp://[::]:1").isWildcard()).isTrue();
        assertThat(Endpoint.parse("tcp://localhost:1").isLoopback()).isTrue();
        assertThat(Endpoint.parse("tcp://127.0.0.2:1").isLoopback()).isTrue();
        assertThat(Endpoint.parse("tcp://10.0.0.1:1").isLoopback()).isFalse();
        assertThat(Endpoint.unix("/s").isLoopback()).isTrue();
        assertThat(Endpoint.isValidHost("example.com.")).isTrue();
        assertThat(Endpoint.isValidHost("")).isFalse();
    }

    @Test
    void transportSchemes() {
        assertThat(Transport.ofScheme("UDP")).isEqualTo(Transport.UDP);
        assertThat(Transport.UDP.isStream()).isFalse();
        assertThat(Transport.UNIX.hasHostAndPort()).isFalse();
        assertThatThrownBy(() -> Transport.ofScheme(null)).isInstanceOf(IpcException.class);
    }
}
