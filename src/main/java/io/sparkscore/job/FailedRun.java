package io.sparkscore.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a run that failed after writing began leaves as {@code _sparkscore_summary.json}: that it failed, why, and
 * that nothing was committed, so whoever reads the output directory does not take it for a finished run.
 */
record FailedRun(String status, String model, String input, String output, boolean committed, String error,
                 long durationMillis, String sparkAppId) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static FailedRun of(JobOptions options, String error, long durationMillis, String sparkAppId) {
        return new FailedRun("failed", options.modelPath(), options.inputName(), options.outputName(), false, error,
                durationMillis, sparkAppId);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings and numbers always serialises", e);
        }
    }
}
