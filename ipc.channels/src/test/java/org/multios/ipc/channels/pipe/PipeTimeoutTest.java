package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;

/**
 * The pipe API's timeout rule, the one of every timed form of the platform, for unnamed and named
 * pipes: a negative or null timeout is INVALID_ARGUMENT and the call does nothing (a write with
 * room writes nothing, a read with bytes waiting leaves them); zero makes one attempt.
 */
class PipeTimeoutTest extends PipeTestSupport {
    private static final Duration NEGATIVE = Duration.ofNanos(-1);

    /** The two ends of one pipe. */
    record Ends(PipeWriter writer, PipeReader reader) {
    }

    static Stream<Function<PipeService, Ends>> kinds() {
        return Stream.of(s -> {
            var p = s.create(64, Set.of());
            return new Ends(p.writer(), p.reader());
        }, s -> {
            s.createNamed("timeouts", 0600);
            PipeReader reader = s.openReader("timeouts");
            return new Ends(s.openWriter("timeouts"), reader);
        });
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @Timeout(20)
    void aNegativeOrNullTimeoutIsInvalidAndDoesNothing(Function<PipeService, Ends> make) {
        Ends e = make.apply(pipes());
        byte[] b = {1, 2, 3};
        for (Duration bad : new Duration[] {NEGATIVE, null}) {
            assertError(() -> e.writer().write(b, 0, 3, bad), IpcError.INVALID_ARGUMENT);
            assertError(() -> e.writer().write(ByteBuffer.wrap(b), bad), IpcError.INVALID_ARGUMENT);
        }
        assertThat(e.reader().tryRead(new byte[8], 0, 8)).as("nothing was written")
                .isEqualTo(PipeReader.NOTHING_AVAILABLE);

        assertThat(e.writer().write(b, 0, 3, Duration.ZERO)).isEqualTo(3);
        for (Duration bad : new Duration[] {NEGATIVE, null}) {
            assertError(() -> e.reader().read(new byte[8], 0, 8, bad), IpcError.INVALID_ARGUMENT);
            assertError(() -> e.reader().read(ByteBuffer.allocate(8), bad), IpcError.INVALID_ARGUMENT);
        }
        byte[] got = new byte[8];
        assertThat(e.reader().read(got, 0, 8, Duration.ZERO)).as("the bytes stayed").isEqualTo(3);
        assertThat(got).startsWith(b);
        assertError(() -> e.reader().read(got, 0, 8, Duration.ZERO), IpcError.TIMEOUT);
    }
}
