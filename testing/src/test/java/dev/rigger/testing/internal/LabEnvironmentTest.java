package dev.rigger.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which values of {@code CI} make a missing Docker engine or lab image a failure instead of a skip. */
class LabEnvironmentTest {

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES", " true "})
    void ciSetToATrueValueCounts(String value) {
        assertThat(LabEnvironment.isTrue(value)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"false", "0", "no", "off", "maybe"})
    void anythingElseIsNotCi(String value) {
        assertThat(LabEnvironment.isTrue(value)).isFalse();
    }
}
