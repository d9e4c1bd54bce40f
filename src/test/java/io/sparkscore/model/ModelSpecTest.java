package io.sparkscore.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ModelSpecTest {

    /** One rule for both paths and the readers: a file that names no version is a Keras 2 file. */
    @ParameterizedTest
    @CsvSource(value = {"2.2.4-tf,2", "3.12.1,3", "1.2.2,1", "'',2", "NULL,2", "tf-keras,2"}, nullValues = "NULL")
    void kerasMajorComesFromTheVersionStringAndIsTwoWhenTheFileDoesNotSay(String version, int major) {
        assertThat(ModelSpec.kerasMajor(version)).isEqualTo(major);
    }
}
