package io.sparkscore.job;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.util.LongAccumulator;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The driver's progress line while scoring runs: partitions done of total, rows scored, rows/s and an ETA (when the
 * number of rows is known, i.e. it was counted), every few seconds. Partitions come from a {@link SparkListener} watching the scoring job's stages; rows from the scoring
 * accumulator (updated as tasks finish). Close it when scoring ends: it removes the listener and stops its thread.
 */
final class ProgressReporter extends SparkListener implements AutoCloseable {

    /** The prefix of the job description that marks the scoring job (see {@link ScoringJob}). */
    static final String SCORING_JOB = "sparkscore: score ";
    /** The local property {@link SparkContext#setJobDescription} sets. */
    private static final String JOB_DESCRIPTION = "spark.job.description";

    private final SparkContext sc;
    private final LongAccumulator rowsScored;
    private final long expectedRows;
    private final Consumer<String> sink;
    private final ScheduledExecutorService timer;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final AtomicInteger totalTasks = new AtomicInteger();
    private final AtomicInteger doneTasks = new AtomicInteger();
    private final long start = System.nanoTime();

    ProgressReporter(SparkContext sc, LongAccumulator rowsScored, long expectedRows, long intervalMillis,
                     Consumer<String> sink) {
        this.sc = sc;
        this.rowsScored = rowsScored;
        this.expectedRows = expectedRows;
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparkscore-progress");
            t.setDaemon(true);
            return t;
        });
        sc.addSparkListener(this);
        timer.scheduleAtFixedRate(this::report, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        String description = jobStart.properties() == null ? null
                : jobStart.properties().getProperty(JOB_DESCRIPTION);
        if (description != null && description.startsWith(SCORING_JOB)) {
            scala.collection.Iterator<StageInfo> it = jobStart.stageInfos().iterator();
            while (it.hasNext()) {
                StageInfo stage = it.next();
                stages.add(stage.stageId());
                totalTasks.addAndGet(stage.numTasks());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (stages.contains(taskEnd.stageId()) && taskEnd.taskInfo().successful()) {
            doneTasks.incrementAndGet();
        }
    }

    /** Formats the current progress; the timer calls it, and so does the end of scoring. */
    String line() {
        long rows = rowsScored.value();
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double rate = rows / seconds;
        String eta = rate > 0 && expectedRows > rows
                ? String.format(Locale.ROOT, "%.0f s", (expectedRows - rows) / rate) : "-";
        String of = expectedRows > 0 ? String.format(Locale.ROOT, " of %,d", expectedRows) : "";
        return String.format(Locale.ROOT, "progress: %d/%d partitions, %,d%s rows scored, %,.0f rows/s, ETA %s",
                doneTasks.get(), totalTasks.get(), rows, of, rate, eta);
    }

    private void report() {
        if (totalTasks.get() > 0) {
            sink.accept(line());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sc.removeSparkListener(this);
    }
}
