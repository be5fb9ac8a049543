package org.multios.ipc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;

class SignalTest {

    @Test
    void standardNumbersFollowLinux() {
        assertThat(Signal.HUP.number()).isEqualTo(1);
        assertThat(Signal.INT.number()).isEqualTo(2);
        assertThat(Signal.QUIT.number()).isEqualTo(3);
        assertThat(Signal.KILL.number()).isEqualTo(9);
        assertThat(Signal.USR1.number()).isEqualTo(10);
        assertThat(Signal.USR2.number()).isEqualTo(12);
        assertThat(Signal.TERM.number()).isEqualTo(15);
        assertThat(Signal.CHLD.number()).isEqualTo(17);
        assertThat(Signal.STOP.number()).isEqualTo(19);
        assertThat(Signal.SYS.number()).isEqualTo(31);
        assertThat(Signal.RTMIN.number()).isEqualTo(34);
        assertThat(Signal.RTMAX.number()).isEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 32, 33, 65, 100})
    void rejectsNumbersThatAreNotSignals(int number) {
        assertThatThrownBy(() -> Signal.of(number)).isInstanceOf(IpcException.class)
                .hasMessageContaining("signal number " + number)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThat(Signal.isValidNumber(number)).isFalse();
    }

    @Test
    void standardAndRealTimeRanges() {
        assertThat(Signal.TERM.isStandard()).isTrue();
        assertThat(Signal.TERM.isRealTime()).isFalse();
        assertThat(Signal.RTMIN.isRealTime()).isTrue();
        assertThat(Signal.realTime(3)).isEqualTo(Signal.of(37));
        assertThat(Signal.realTime(30)).isEqualTo(Signal.RTMAX);
        assertThatThrownBy(() -> Signal.realTime(31)).isInstanceOf(IpcException.class).hasMessageContaining("0..30");
        assertThatThrownBy(() -> Signal.realTime(-1)).isInstanceOf(IpcException.class);
        assertThat(Signal.all()).hasSize(31 + 31).startsWith(Signal.HUP).endsWith(Signal.RTMAX)
                .extracting(Signal::number).doesNotContain(0, 32, 33).doesNotHaveDuplicates();
    }

    @Test
    void names() {
        assertThat(Signal.TERM.name()).isEqualTo("TERM");
        assertThat(Signal.TERM).hasToString("SIGTERM");
        assertThat(Signal.RTMIN.name()).isEqualTo("RTMIN");
        assertThat(Signal.of(35).name()).isEqualTo("RTMIN+1");
        assertThat(Signal.of(63)).hasToString("SIGRTMIN+29");
        assertThat(Signal.RTMAX.name()).isEqualTo("RTMAX");
    }

    @ParameterizedTest
    @CsvSource({"TERM,15", "SIGTERM,15", "term,15", "SigHup,1", "15,15", " 9 ,9", "USR2,12", "POLL,29", "IOT,6",
        "RTMIN,34", "SIGRTMIN+3,37", "rtmin+30,64", "RTMAX,64", "RTMAX-2,62", "SIGRTMAX-30,34", "64,64"})
    void parses(String text, int number) {
        assertThat(Signal.parse(text).number()).isEqualTo(number);
    }

    @Test
    void everyNameParsesBack() {
        for (Signal s : Signal.all()) {
            assertThat(Signal.parse(s.name())).isEqualTo(s);
            assertThat(Signal.parse(s.toString())).isEqualTo(s);
            assertThat(Signal.parse(Integer.toString(s.number()))).isEqualTo(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "FOO", "SIG", "32", "0", "99999999999", "RTMIN-1", "RTMAX+1", "RTMIN+31",
        "RTMAX-31", "RTMIN+", "RTMIN+x", "RTMIN+123", "-15"})
    void rejectsWhatIsNotASignal(String text) {
        assertThatThrownBy(() -> Signal.parse(text)).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Signal.parse(null)).isInstanceOf(IpcException.class).hasMessageContaining("empty");
    }

    @Test
    void defaultActions() {
        assertThat(Signal.TERM.defaultAction()).isEqualTo(DefaultAction.TERMINATE);
        assertThat(Signal.HUP.defaultAction()).isEqualTo(DefaultAction.TERMINATE);
        assertThat(Signal.KILL.defaultAction()).isEqualTo(DefaultAction.TERMINATE);
        assertThat(Signal.USR1.defaultAction()).isEqualTo(DefaultAction.TERMINATE);
        assertThat(Signal.RTMIN.defaultAction()).isEqualTo(DefaultAction.TERMINATE);
        assertThat(Signal.CHLD.defaultAction()).isEqualTo(DefaultAction.IGNORE);
        assertThat(Signal.WINCH.defaultAction()).isEqualTo(DefaultAction.IGNORE);
        assertThat(Signal.URG.defaultAction()).isEqualTo(DefaultAction.IGNORE);
        assertThat(Signal.CONT.defaultAction()).isEqualTo(DefaultAction.IGNORE);
        assertThat(Signal.STOP.defaultAction()).isEqualTo(DefaultAction.IGNORE);
        assertThat(Signal.TSTP.defaultAction()).isEqualTo(DefaultAction.IGNORE);
    }

    @Test
    void onlyKillAndStopAreUncatchable() {
        assertThat(Signal.all()).filteredOn(s -> !s.isCatchable()).containsExactly(Signal.KILL, Signal.STOP);
    }

    @Test
    void signalInfoPartsMustAgree() {
        IpcProcess sender = new IpcProcess(ProcessKind.BUNDLE, 7, "b", 100, 0, "u", java.util.Set.of("g"));
        SignalInfo fromIpc = SignalInfo.fromProcess(Signal.RTMIN, 42, sender);
        assertThat(fromIpc.sender()).contains(sender);
        assertThat(fromIpc.value()).isEqualTo(42);
        assertThat(fromIpc.origin()).isEqualTo(SignalOrigin.IPC);
        SignalInfo fromOs = SignalInfo.fromOperatingSystem(Signal.HUP);
        assertThat(fromOs.sender()).isEmpty();
        assertThatThrownBy(() -> new SignalInfo(Signal.HUP, 0, Optional.empty(), SignalOrigin.IPC))
                .isInstanceOf(IpcException.class).hasMessageContaining("must name its sender");
        assertThatThrownBy(() -> new SignalInfo(Signal.HUP, 1, Optional.empty(), SignalOrigin.OPERATING_SYSTEM))
                .isInstanceOf(IpcException.class).hasMessageContaining("no sender and no value");
        assertThatThrownBy(() -> new SignalInfo(Signal.HUP, 0, Optional.of(sender), SignalOrigin.OPERATING_SYSTEM))
                .isInstanceOf(IpcException.class);
    }
}
