package io.sparkscore.ml;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The executor's model cache: tasks hold models, and a release frees one only when no other task holds it. */
class ModelCacheTest {

    private static final ModelSpec SPEC = SampleModels.tiny(3);
    private static final PredictionPath PATH = PredictionPath.JVM;
    private static final RuntimeOptions OPTIONS = RuntimeOptions.singleThreaded();

    @AfterEach
    void forget() {
        ModelCache.closeAll();
    }

    @Test
    void twoHoldersAndAReleaseByOneKeepsTheModelForTheOther() {
        LoadedModel calibrating = ModelCache.acquire(SPEC.hash(), () -> SPEC, PATH, OPTIONS);
        LoadedModel scoring = ModelCache.acquire(SPEC.hash(), () -> SPEC, PATH, OPTIONS);
        assertThat(scoring).isSameAs(calibrating);
        assertThat(ModelCache.holders(SPEC.hash(), PATH, OPTIONS)).isEqualTo(2);

        ModelCache.release(SPEC.hash(), PATH, OPTIONS);

        assertThat(ModelCache.holds(SPEC.hash(), PATH, OPTIONS)).as("still used by the other holder").isTrue();
        assertThat(ModelCache.holders(SPEC.hash(), PATH, OPTIONS)).isEqualTo(1);
        assertThat(ModelCache.get(SPEC.hash(), () -> SPEC, PATH, OPTIONS)).isSameAs(scoring);
        try (Predictor p = scoring.newPredictor(2)) {
            float[][] out = {new float[2 * scoring.signature().outputSize(0)]};
            p.predict(new float[][] {new float[2 * scoring.signature().inputSize(0)]}, 2, out);
        }

        ModelCache.release(SPEC.hash(), PATH, OPTIONS);
        assertThat(ModelCache.holds(SPEC.hash(), PATH, OPTIONS)).as("the last holder's release frees it").isFalse();
    }

    @Test
    void aHolderThatLetsGoLeavesTheModelCachedAndItsBuildTimeOutlivesARelease() {
        long builds = ModelCache.buildCount();
        ModelCache.acquire(SPEC.hash(), () -> SPEC, PATH, OPTIONS);
        ModelCache.letGo(SPEC.hash(), PATH, OPTIONS);

        assertThat(ModelCache.holds(SPEC.hash(), PATH, OPTIONS)).isTrue();
        assertThat(ModelCache.holders(SPEC.hash(), PATH, OPTIONS)).isZero();
        assertThat(ModelCache.lastBuildMillis(SPEC.hash(), PATH, OPTIONS)).isPresent();

        ModelCache.acquire(SPEC.hash(), () -> SPEC, PATH, OPTIONS);
        ModelCache.release(SPEC.hash(), PATH, OPTIONS);
        assertThat(ModelCache.holds(SPEC.hash(), PATH, OPTIONS)).isFalse();
        assertThat(ModelCache.buildCount()).as("built once").isEqualTo(builds + 1);
        assertThat(ModelCache.lastBuildMillis(SPEC.hash(), PATH, OPTIONS)).as("kept to weigh a rebuild").isPresent();
    }
}
