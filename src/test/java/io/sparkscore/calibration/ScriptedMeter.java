package io.sparkscore.calibration;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.Predictor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToDoubleFunction;

/**
 * Measurements given by the test instead of timed: each path's rows/s as a function of the batch size, optionally
 * scaled for the n-th measurement of one candidate (one noisy slice). Every call advances a fake clock by the time it
 * would have taken (its slice, or its fewest calls when they take longer), and is logged, so that tests can assert
 * what the calibrator decided and in which order it asked.
 */
final class ScriptedMeter implements CandidateMeter {

    static final ModelSpec SPEC = SampleModels.tiny(1);

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<String> log = new ArrayList<>();
    private final Map<PredictionPath, IntToDoubleFunction> rates;
    private final Map<String, Double> noise = new HashMap<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private final Map<String, Double> delivered = new HashMap<>();
    private double conversionNanosPerRow = 50;

    ScriptedMeter(Map<PredictionPath, IntToDoubleFunction> rates) {
        this.rates = rates;
    }

    /** The {@code occurrence}-th measurement (from 1) of {@code path} at {@code batch} comes out {@code factor} x. */
    ScriptedMeter noisy(PredictionPath path, int batch, int occurrence, double factor) {
        noise.put(path.id() + "/" + batch + "#" + occurrence, factor);
        return this;
    }

    /**
     * Measurements of {@code path} at {@code batch} deliver {@code share} of their median rate over their whole time
     * (slow rounds among them), and take the time that costs.
     */
    ScriptedMeter delivers(PredictionPath path, int batch, double share) {
        delivered.put(path.id() + "/" + batch, share);
        return this;
    }

    ScriptedMeter conversionCost(double nanosPerRow) {
        conversionNanosPerRow = nanosPerRow;
        return this;
    }

    @Override
    public void warmUp(LoadedModel model, int batch, long nanos) {
        log.add("warm " + model.path().id() + "/" + batch);
        clock.addAndGet(nanos);
    }

    @Override
    public Timing measure(LoadedModel model, int batch, int threads, long sliceNanos) {
        return measure(model, batch, threads, sliceNanos, TimedMeter.MIN_CALLS_PER_MEASUREMENT);
    }

    @Override
    public Timing remeasure(LoadedModel model, int batch, int threads, long sliceNanos) {
        return measure(model, batch, threads, sliceNanos, TimedMeter.MIN_CALLS_PER_REMEASUREMENT);
    }

    private Timing measure(LoadedModel model, int batch, int threads, long sliceNanos, int fewestCalls) {
        String key = model.path().id() + "/" + batch;
        int n = seen.merge(key, 1, Integer::sum);
        double rate = rates.get(model.path()).applyAsDouble(batch) * noise.getOrDefault(key + "#" + n, 1.0);
        double meanRate = rate * delivered.getOrDefault(key, 1.0);
        log.add("measure " + key);
        // as the timed meter: the slice, or the fewest calls a measurement makes when they take longer
        long nanos = Math.max(sliceNanos, Math.round(CalibrationBudget.callsNanos(meanRate, batch, fewestCalls)));
        clock.addAndGet(nanos);
        double seconds = nanos / 1e9;
        long rows = Math.max(batch, Math.round(meanRate * seconds));
        long batches = Math.max(1, rows / batch);
        return new Timing(new Measurement(model.path(), batch, threads, batches, batches * batch,
                batches * batch / meanRate, batch * 1000 / rate, batch * 1000 / meanRate), 0.02);
    }

    @Override
    public double conversionNanosPerRow(int batch) {
        return conversionNanosPerRow;
    }

    /** The batch sizes measured for {@code path}, in order. */
    List<Integer> measuredBatches(PredictionPath path) {
        return log.stream().filter(l -> l.startsWith("measure " + path.id() + "/"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf('/') + 1))).toList();
    }

    /** Rows already in model-input form, for the parity check. */
    static CalibrationSample sample() {
        ModelSignature sig = ModelSignature.of(SPEC);
        return new CalibrationSample(sig, new float[][] {new float[64 * sig.inputSize(0)]}, 64);
    }

    /** A model that predicts zeros for every row: calibration's decisions do not look at the values. */
    static final class ZeroModel implements LoadedModel {

        private final PredictionPath path;

        ZeroModel(PredictionPath path) {
            this.path = path;
        }

        @Override
        public ModelSpec spec() {
            return SPEC;
        }

        @Override
        public PredictionPath path() {
            return path;
        }

        @Override
        public ModelSignature signature() {
            return ModelSignature.of(SPEC);
        }

        @Override
        public Predictor newPredictor(int batchCapacity) {
            return new Predictor() {
                @Override
                public int batchCapacity() {
                    return batchCapacity;
                }

                @Override
                public void predict(float[][] inputs, int rows, float[][] outputs) {
                    java.util.Arrays.fill(outputs[0], 0, rows, 0f);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /** A caching provider that records what calibration asked of it. */
    static final class RecordingModels implements ModelProvider {

        final List<String> built = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        private final List<PredictionPath> held;
        private final Map<PredictionPath, Long> buildMillis = new HashMap<>();
        private final Map<PredictionPath, Long> buildNanos = new HashMap<>();
        private AtomicLong clock = new AtomicLong();

        RecordingModels(PredictionPath... alreadyHeld) {
            this.held = List.of(alreadyHeld);
        }

        /** This JVM built {@code path}'s model before (and released it), in {@code millis}. */
        RecordingModels builtBefore(PredictionPath path, long millis) {
            buildMillis.put(path, millis);
            return this;
        }

        @Override
        public OptionalLong buildMillis(PredictionPath path, int threads) {
            Long millis = buildMillis.get(path);
            return millis == null ? OptionalLong.empty() : OptionalLong.of(millis);
        }

        /** Building {@code path}'s model takes {@code millis} on {@code clock} (a meter's fake clock). */
        RecordingModels buildTakes(PredictionPath path, long millis, AtomicLong clock) {
            buildNanos.put(path, millis * 1_000_000L);
            this.clock = clock;
            return this;
        }

        @Override
        public LoadedModel get(PredictionPath path, int threads) {
            if (!held.contains(path)) {
                built.add(path.id());
                clock.addAndGet(buildNanos.getOrDefault(path, 0L));
            }
            return new ZeroModel(path);
        }

        @Override
        public boolean holds(PredictionPath path, int threads) {
            return held.contains(path);
        }

        @Override
        public void release(PredictionPath path, int threads) {
            released.add(path.id());
        }
    }
}
