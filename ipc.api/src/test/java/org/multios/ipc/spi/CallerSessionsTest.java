package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/** One session per caller, closed once when the caller is released or the mechanism stops. */
class CallerSessionsTest {
    private final List<String> closed = new ArrayList<>();
    private final CallerSessions<String> sessions = new CallerSessions<>("the test mechanism",
            c -> "session of " + c.process().id(), closed::add);

    @Test
    void aCallerKeepsItsSessionUntilReleased() {
        RecordingCaller alice = RecordingCaller.osUser(1);
        String first = sessions.bind(alice);

        assertThat(sessions.bind(alice)).isSameAs(first);
        sessions.release(alice);
        sessions.release(alice);

        assertThat(closed).containsExactly(first);
        assertThat(sessions.values()).isEmpty();
        assertThat(sessions.bind(alice)).as("a new session after the release").isNotSameAs(first);
    }

    @Test
    void releaseAllClosesEverySessionOnce() {
        sessions.bind(RecordingCaller.osUser(1));
        sessions.bind(RecordingCaller.osUser(2));
        assertThat(sessions.values()).hasSize(2);

        sessions.releaseAll();
        sessions.releaseAll();

        assertThat(closed).containsExactlyInAnyOrder("session of 1", "session of 2");
        assertThat(sessions.values()).isEmpty();
    }

    @Test
    void aStoppedMechanismBindsNoMoreAndSaysClosedNamingItself() {
        sessions.releaseAll();

        assertThatThrownBy(() -> sessions.bind(RecordingCaller.osUser(3))).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED))
                .hasMessageContaining("the test mechanism");
        assertThatThrownBy(sessions::checkOpen).isInstanceOf(IpcException.class);
        assertThat(closed).isEmpty();
        assertThat(sessions.values()).isEmpty();
    }

    @Test
    void aStoppingMechanismRefusesNewCallersAndKeepsTheSessionsForReleaseAll() {
        RecordingCaller alice = RecordingCaller.osUser(1);
        String first = sessions.bind(alice);

        sessions.stop();

        assertThatThrownBy(() -> sessions.bind(RecordingCaller.osUser(2))).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        assertThatThrownBy(() -> sessions.bind(alice)).isInstanceOf(IpcException.class);
        assertThat(sessions.values()).containsExactly(first);
        assertThat(closed).isEmpty();

        sessions.releaseAll();
        assertThat(closed).containsExactly(first);
    }
}
