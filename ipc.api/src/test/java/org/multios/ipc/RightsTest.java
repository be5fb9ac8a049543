package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RightsTest {

    @ParameterizedTest
    @CsvSource({ "0, -", "1, r", "2, w", "3, rw", "4, a", "5, ra", "6, wa", "7, rwa" })
    void everyCombinationHasATextForm(int rights, String text) {
        assertThat(Rights.toString(rights)).isEqualTo(text);
        assertThat(Rights.parse(text)).isEqualTo(rights);
    }

    @Test
    void roundTripsAllEightCombinations() {
        Set<String> texts = new HashSet<>();
        for (int rights = 0; rights <= Rights.ALL; rights++) {
            String text = Rights.toString(rights);
            texts.add(text);
            assertThat(Rights.parse(text)).as(text).isEqualTo(rights);
        }
        assertThat(texts).hasSize(8);
    }

    @Test
    void parseAcceptsAnyOrder() {
        assertThat(Rights.parse("awr")).isEqualTo(Rights.ALL);
        assertThat(Rights.parse("wr")).isEqualTo(Rights.READ_WRITE);
    }

    @ParameterizedTest
    @ValueSource(strings = { "x", "rx", "R", "r-", "rw ", "--" })
    void parseRejectsOtherCharacters(String text) {
        assertThatThrownBy(() -> Rights.parse(text))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void includesNeedsEveryRequiredBit() {
        assertThat(Rights.includes(Rights.ALL, Rights.READ_WRITE)).isTrue();
        assertThat(Rights.includes(Rights.READ_WRITE, Rights.READ_WRITE)).isTrue();
        assertThat(Rights.includes(Rights.READ, Rights.READ_WRITE)).isFalse();
        assertThat(Rights.includes(Rights.WRITE | Rights.ADMIN, Rights.READ)).isFalse();
        assertThat(Rights.includes(Rights.NONE, Rights.NONE)).isTrue();
    }
}
