package io.sparkscore.runtime;

import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.runtime.jvm.JvmSupport;
import io.sparkscore.runtime.tf.TfSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each path's builder table covers the whole registry: every entry is built. */
class PathBuilderTablesTest {

    @Test
    void theTfPathBuildsEveryRegistryEntry() {
        assertThat(LayerRegistry.entries()).allSatisfy(e -> assertThat(TfSupport.builds(e)).as(e.className())
                .isTrue());
    }

    @Test
    void theJvmPathBuildsEveryRegistryEntry() {
        assertThat(LayerRegistry.entries()).allSatisfy(e -> assertThat(JvmSupport.builds(e)).as(e.className())
                .isTrue());
    }
}
