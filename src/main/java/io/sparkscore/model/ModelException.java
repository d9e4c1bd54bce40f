package io.sparkscore.model;

import io.sparkscore.SparkScoreException;

/**
 * Root of everything that can be wrong with a model: its file, its format, or a layer or option sparkscore cannot
 * score faithfully. Messages say what was asked, what was found and what to do.
 */
public class ModelException extends SparkScoreException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
