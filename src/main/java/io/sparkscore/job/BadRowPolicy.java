package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import java.util.Locale;

/** What to do with rows that cannot be scored (null, NaN/infinite, not a number, wrong array length). */
public enum BadRowPolicy {
    /** Stop before scoring, naming the first bad row's key and reason. */
    FAIL,
    /** Leave bad rows out of the output, counted by reason in the run summary. */
    SKIP,
    /** Write bad rows with their key columns and a reason to the quarantine path, and score the rest (default). */
    QUARANTINE;

    public static BadRowPolicy parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JobException.config("unknown --bad-rows '" + s + "'; expected fail, skip or quarantine");
        }
    }
}
