package io.sparkscore.bench;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import io.sparkscore.runtime.tf.RawTfSession;

import java.util.List;
import java.util.function.Consumer;

/**
 * Section 1, the seed's experiment: milliseconds per batch-32 call on both paths for the tiny and the medium model,
 * and the medium model's tf call against a raw TensorFlow session run of the same graph.
 */
final class MicroBench {

    static final int BATCH = 32;

    private final boolean quick;
    private final RuntimeOptions options;
    private final Consumer<Figure> out;

    MicroBench(boolean quick, RuntimeOptions options, Consumer<Figure> out) {
        this.quick = quick;
        this.options = options;
        this.out = out;
    }

    void run() {
        tiny();
        medium(BenchModels.MEDIUM_EIGHTH, quick ? 1 : 2, quick ? 3 : 5, true);
        if (!quick) {
            medium(BenchModels.MEDIUM_FULL, 1, 3, false);
        }
    }

    private void tiny() {
        ModelSpec spec = BenchModels.tiny();
        int warmup = quick ? 5_000 : 20_000;
        int reps = quick ? 5 : 9;
        double best = Double.MAX_VALUE;
        for (PredictionPath path : List.of(PredictionPath.JVM, PredictionPath.TF)) {
            CallTimer.Timing t = timePath(spec, path, warmup, reps, 1000);
            best = Math.min(best, t.medianMs());
            out.accept(Figure.context(1, "tiny, " + path.id() + " path: ms per batch-32 call", t.medianMs(), "ms",
                    t.method()));
        }
        out.accept(Figure.atMost(1, "tiny, best path: ms per batch-32 call", best, "ms", 0.01,
                "min of the two medians above"));
        CallTimer.Timing raw = timeRaw(spec, warmup, reps, 1000);
        out.accept(Figure.context(1, "tiny, raw TF session.runner() on a pre-built tensor", raw.medianMs(), "ms",
                raw.method()));
    }

    private void medium(BenchModels.Medium m, int warmup, int reps, boolean withJvm) {
        ModelSpec spec = BenchModels.medium(m);
        String label = m.name() + " [" + m.describe() + ", " + spec.paramCount() + " params]";
        if (withJvm) {
            CallTimer.Timing jvm = timePath(spec, PredictionPath.JVM, warmup, reps, 1);
            out.accept(Figure.context(1, label + ", jvm path: ms per batch-32 call", jvm.medianMs(), "ms",
                    jvm.method()));
        }
        CallTimer.Timing tf = timePath(spec, PredictionPath.TF, warmup, reps, 1);
        out.accept(Figure.context(1, m.name() + ", tf path: ms per batch-32 call", tf.medianMs(), "ms",
                tf.method()));
        CallTimer.Timing raw = timeRaw(spec, warmup, reps, 1);
        out.accept(Figure.context(1, m.name() + ", raw TF session.runner() on a pre-built tensor", raw.medianMs(),
                "ms", raw.method()));
        out.accept(Figure.atMost(1, m.name() + ", tf path / raw TF time", tf.medianMs() / raw.medianMs(), "x", 1.10,
                "ratio of the two medians above, same graph, same session settings, same process"));
    }

    private CallTimer.Timing timePath(ModelSpec spec, PredictionPath path, int warmup, int reps, int calls) {
        ModelSignature sig = ModelSignature.of(spec);
        float[][] in = {BenchModels.randomRows(BATCH, sig.inputSize(0), 7)};
        float[][] outBuf = {new float[BATCH * sig.outputSize(0)]};
        try (LoadedModel model = PredictionPaths.load(spec, path, options);
             Predictor p = model.newPredictor(BATCH)) {
            return CallTimer.time(() -> {
                p.predict(in, BATCH, outBuf);
                return outBuf[0][0];
            }, warmup, reps, calls);
        }
    }

    private CallTimer.Timing timeRaw(ModelSpec spec, int warmup, int reps, int calls) {
        ModelSignature sig = ModelSignature.of(spec);
        try (RawTfSession raw = new RawTfSession(spec, options, BATCH,
                BenchModels.randomRows(BATCH, sig.inputSize(0), 7))) {
            return CallTimer.time(raw::run, warmup, reps, calls);
        }
    }
}
