package io.sparkscore.bench;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import io.sparkscore.runtime.tf.RawTfSession;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

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
        medium(BenchModels.MEDIUM_EIGHTH, quick ? 1 : 2, quick ? 3 : 9, true);
        if (!quick) {
            medium(BenchModels.MEDIUM_FULL, 1, 4, false);
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
        String model = m.describe() + ", " + spec.paramCount() + " params";
        if (withJvm) {
            CallTimer.Timing jvm = timePath(spec, PredictionPath.JVM, warmup, Math.min(reps, 5), 1);
            out.accept(Figure.context(1, m.name() + ", jvm path: ms per batch-32 call", jvm.medianMs(), "ms",
                    model + "; " + jvm.method()));
        }
        ModelSignature sig = ModelSignature.of(spec);
        float[] rows = BenchModels.randomRows(BATCH, sig.inputSize(0), 7);
        float[][] in = {rows};
        float[][] outBuf = {new float[BATCH * sig.outputSize(0)]};
        double[] tf = new double[reps];
        double[] raw = new double[reps];
        double[] ratio = new double[reps];
        try (LoadedModel loaded = PredictionPaths.load(spec, PredictionPath.TF, options);
             Predictor p = loaded.newPredictor(BATCH);
             RawTfSession session = new RawTfSession(spec, options, BATCH, rows)) {
            DoubleSupplier viaSparkscore = () -> {
                p.predict(in, BATCH, outBuf);
                return outBuf[0][0];
            };
            CallTimer.warmUp(viaSparkscore, warmup);
            CallTimer.warmUp(session::run, warmup);
            for (int r = 0; r < reps; r++) {
                // Alternate which goes first so that drifting load on the shared machine hits both alike.
                boolean tfFirst = r % 2 == 0;
                double first = CallTimer.time(tfFirst ? viaSparkscore : session::run, 0, 1, 1).medianMs();
                double second = CallTimer.time(tfFirst ? session::run : viaSparkscore, 0, 1, 1).medianMs();
                tf[r] = tfFirst ? first : second;
                raw[r] = tfFirst ? second : first;
                ratio[r] = tf[r] / raw[r];
            }
        }
        String how = String.format("%d warm-up calls each, then %d reps of one tf call and one raw call back to back"
                + " (order alternating); median", warmup, reps);
        out.accept(Figure.context(1, m.name() + ", tf path: ms per batch-32 call", median(tf), "ms",
                model + "; " + how));
        out.accept(Figure.context(1, m.name() + ", raw TF session.runner() on a pre-built tensor", median(raw), "ms",
                "same graph builder and session settings, input tensor built once; " + how));
        out.accept(Figure.atMost(1, m.name() + ", tf path / raw TF time", median(ratio), "x", 1.10,
                "median of the per-rep ratios " + Arrays.toString(Arrays.stream(ratio)
                        .map(v -> Math.round(v * 1000) / 1000.0).toArray())));
        out.accept(Figure.context(1, m.name() + ", fastest tf call / fastest raw call", min(tf) / min(raw), "x",
                "the least disturbed call of each kind; a check on the median ratio under load"));
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return CallTimer.median(sorted);
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
