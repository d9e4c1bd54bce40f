package io.sparkscore.ml;

import io.sparkscore.calibration.CalibrationException;
import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationSettings;
import io.sparkscore.calibration.HardwareSignature;
import io.sparkscore.calibration.PlanStore;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Chooses the plan for a run on the executors' hardware: reuses a stored plan for the same model, constraints and
 * hardware signature when there is one (and calibration is {@code auto}), otherwise runs the calibration stage — one
 * Spark task over sampled input rows — and stores its result.
 */
final class CalibrationStage {

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationStage.class);

    /** A plan and where it came from: {@code calibrated} or {@code stored}. */
    record Outcome(CalibrationReport report, String source) {
    }

    private final SparkSession spark;
    private final ScoringConfig options;

    CalibrationStage(SparkSession spark, ScoringConfig options) {
        this.spark = spark;
        this.options = options;
    }

    /**
     * @param expectedRows rows the job will score, to keep calibration's cost to a small share of the job; asked
     *                     only when calibration runs (not when a stored plan is reused)
     */
    Outcome choosePlan(Dataset<Row> goodRows, RowBatch.Factory batches, ModelSource model,
                       ModelSpec spec, List<PredictionPath> paths, Map<String, String> excluded,
                       LongSupplier expectedRows) {
        Optional<PlanStore> store = Optional.ofNullable(options.planStore())
                .map(dir -> new PlanStore(dir, spark.sparkContext().hadoopConfiguration()));
        // the executors' hardware is only needed to key stored plans
        Optional<HardwareSignature> hardware = store.map(s -> HardwareProbe.ofExecutors(spark));
        String planKey = planKey(spec);
        if (options.calibration() == Calibration.AUTO && store.isPresent()) {
            Optional<CalibrationReport> stored = store.get().find(planKey, hardware.get());
            if (stored.isPresent()) {
                LOG.info("Reusing the stored plan for model {} on this hardware: {}", spec.shortHash(),
                        stored.get().chosen());
                return new Outcome(stored.get(), "stored");
            }
        }
        CalibrationReport report = calibrate(goodRows, batches, model, spec, paths, excluded,
                expectedRows.getAsLong());
        store.ifPresent(s -> save(s, planKey, hardware.get(), report));
        return new Outcome(report, "calibrated");
    }

    /** A plan store that cannot be written costs a future calibration, not this run. */
    private static void save(PlanStore store, String planKey, HardwareSignature hardware, CalibrationReport report) {
        try {
            store.save(planKey, hardware, report);
        } catch (CalibrationException e) {
            LOG.warn("Calibrated plan not stored: {}", e.getMessage());
        }
    }

    CalibrationReport calibrate(Dataset<Row> goodRows, RowBatch.Factory batches, ModelSource model,
                                ModelSpec spec, List<PredictionPath> paths, Map<String, String> excluded,
                                long expectedRows) {
        CalibrationSettings settings = CalibrationSettings.defaults()
                .withJob(expectedRows, slots())
                .withThreads(1, taskCpus())
                .withBudget(100, 300, options.calibrationBudgetMillis());
        if (options.batchSize().isPresent()) {
            settings = settings.withLadder(options.batchSize().get());
        }
        spark.sparkContext().setJobDescription("sparkscore: calibration on " + options.calibrationRows()
                + " sampled rows (paths " + paths + ")");
        Dataset<Row> sample = goodRows.limit(options.calibrationRows()).coalesce(1);
        List<byte[]> result = sample.mapPartitions(new CalibrationTask(model, spec.hash(), batches, paths,
                excluded, settings), Encoders.BINARY()).collectAsList();
        spark.sparkContext().setJobDescription(null);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(result.get(0)))) {
            return (CalibrationReport) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new CalibrationException("calibration result could not be read back", e);
        }
    }

    /** Stored plans are only valid for the same model and the same constraints on the plan. */
    private String planKey(ModelSpec spec) {
        return spec.hash() + "|batch=" + options.batchSize().map(String::valueOf).orElse("auto") + "|path="
                + options.path().map(PredictionPath::id).orElse("auto") + "|rows=" + options.calibrationRows();
    }

    /** Tasks that score at once: the executors' cores over the cores each task takes. */
    private int slots() {
        return Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus());
    }

    int taskCpus() {
        return spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }
}
