package org.multios.ipc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;

class NetOptionsTest {

    private static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IpcException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void listenDefaultsFollowTheLimits() {
        ListenOptions d = ListenOptions.DEFAULTS;
        assertThat(d.maxConnections()).isEqualTo(Limit.CONNECTIONS.defaultValue());
        assertThat(d.maxFrameSize()).isEqualTo(Limit.MESSAGE_SIZE.defaultValue());
        assertThat(d.bufferBytes()).isEqualTo(4 * d.maxFrameSize());
        assertThat(d.idleTimeout()).isZero();
        assertThat(d.requireAuthentication()).isTrue();
        assertThat(d.socketMode()).isEqualTo(0600);
    }

    @Test
    void listenOptionsAreChecked() {
        ListenOptions d = ListenOptions.DEFAULTS;
        assertInvalid(() -> d.withMaxConnections(0), "maxConnections 0 must be at least 1");
        assertInvalid(() -> d.withMaxFrameSize(0), "maxFrameSize");
        assertInvalid(() -> d.withBufferBytes(d.maxFrameSize() - 1), "cannot hold a frame");
        assertInvalid(() -> d.withIdleTimeout(Duration.ofSeconds(-1)), "idleTimeout");
        assertInvalid(() -> d.withIdleTimeout(null), "idleTimeout is missing");
        assertInvalid(() -> d.withHandshakeTimeout(Duration.ZERO), "handshakeTimeout must be longer than zero");
        assertInvalid(() -> d.withSocketMode(01000), "outside 0..0777");
    }

    @Test
    void growingTheFrameGrowsTheBuffer() {
        ListenOptions o = ListenOptions.DEFAULTS.withMaxFrameSize(1024 * 1024);
        assertThat(o.bufferBytes()).isEqualTo(4 * 1024 * 1024);
        ListenOptions small = ListenOptions.DEFAULTS.withMaxFrameSize(16);
        assertThat(small.bufferBytes()).isEqualTo(ListenOptions.DEFAULT_BUFFER_BYTES);
        assertThat(ConnectOptions.DEFAULTS.withMaxFrameSize(1024 * 1024).bufferBytes()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void connectOptionsAreChecked() {
        ConnectOptions d = ConnectOptions.DEFAULTS;
        assertThat(d.token()).isEmpty();
        assertThat(d.localAddress()).isEmpty();
        assertThat(d.withToken(AuthToken.of("s3cret")).token()).contains(AuthToken.of("s3cret"));
        assertThat(d.withLocalAddress("10.0.0.2").localAddress()).contains("10.0.0.2");
        assertInvalid(() -> d.withLocalAddress("bad host"), "connect localAddress 'bad host'");
        assertInvalid(() -> d.withHandshakeTimeout(Duration.ofMillis(-5)), "negative");
        assertInvalid(() -> d.withBufferBytes(1), "cannot hold a frame");
        assertInvalid(() -> new ConnectOptions(Duration.ofSeconds(1), null, 1, 1, Duration.ZERO, Optional.empty()),
                "connect token is missing");
    }

    @Test
    void datagramOptionsAreChecked() {
        assertThat(DatagramOptions.DEFAULTS.maxDatagramSize()).isEqualTo(DatagramOptions.MAX_UDP_PAYLOAD);
        assertInvalid(() -> DatagramOptions.DEFAULTS.withMaxDatagramSize(65508), "outside 1..65507");
        assertInvalid(() -> DatagramOptions.DEFAULTS.withMaxDatagramSize(0), "outside 1..65507");
        assertInvalid(() -> new DatagramOptions(1000, 999, false), "cannot hold a datagram");
        assertThat(new DatagramOptions(100, 100, false).withMaxDatagramSize(200).receiveBufferBytes()).isEqualTo(200);
        assertThat(DatagramOptions.DEFAULTS.withBroadcast(true).broadcast()).isTrue();
    }

    @Test
    void authTokenHidesItsSecretAndChecksLength() {
        AuthToken t = AuthToken.of("top-secret");
        assertThat(t.toString()).doesNotContain("top-secret").contains("10 bytes");
        assertThat(t).isEqualTo(AuthToken.of("top-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(t).isNotEqualTo(AuthToken.of("other"));
        byte[] raw = {1, 2, 3};
        AuthToken copy = AuthToken.of(raw);
        raw[0] = 9;
        assertThat(copy.bytes()).containsExactly(1, 2, 3);
        assertInvalid(() -> AuthToken.of(""), "empty");
        assertInvalid(() -> AuthToken.of(new byte[AuthToken.MAX_BYTES + 1]), "the limit is 1024");
        assertInvalid(() -> AuthToken.of((String) null), "missing");
    }

    @Test
    void frameTypesAreChecked() {
        assertThat(FrameType.requireValid(0, "c")).isZero();
        assertThat(FrameType.requireValid(0xFFFF, "c")).isEqualTo(65535);
        assertInvalid(() -> FrameType.requireValid(-1, "connection 7"), "connection 7: frame type -1 is outside 0..65535");
        assertInvalid(() -> FrameType.requireValid(0x10000, "c"), "outside");
    }
}
