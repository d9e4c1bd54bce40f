package io.sparkscore.runtime;

import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.runtime.jvm.JvmSupport;
import io.sparkscore.runtime.tf.TfSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each path's builder table covers the whole registry: every entry is built, or refused with a reason. */
class PathBuilderTablesTest {

    @Test
    void theTfPathBuildsEveryRegistryEntry() {
        assertThat(LayerRegistry.entries()).allSatisfy(e -> assertThat(TfSupport.builds(e)).as(e.className())
                .isTrue());
    }

    @Test
    void theJvmPathBuildsOrRefusesWithAReasonEveryRegistryEntry() {
        for (LayerEntry e : LayerRegistry.entries()) {
            boolean builds = JvmSupport.builds(e);
            assertThat(builds || JvmSupport.refusal(e).filter(r -> !r.isBlank()).isPresent())
                    .as("%s is neither built nor refused with a reason on the jvm path", e).isTrue();
            assertThat(builds && JvmSupport.refusal(e).isPresent()).as("%s is both built and refused", e).isFalse();
        }
    }
}
